/** Per-endpoint counts, statuses and latencies of a load run. */
export type EndpointFigures = {
  endpoint: string;
  requests: number;
  perSecond: number;
  statuses: Record<string, number>;
  /** Responses that were not the expected success (network errors count as status 0). */
  errors: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
};

export class Recorder {
  private readonly latencies = new Map<string, number[]>();
  private readonly statuses = new Map<string, Record<string, number>>();
  private readonly unexpected = new Map<string, number>();

  record(endpoint: string, status: number, ms: number, expected: boolean): void {
    const latencies = this.latencies.get(endpoint) ?? [];
    latencies.push(ms);
    this.latencies.set(endpoint, latencies);
    const statuses = this.statuses.get(endpoint) ?? {};
    statuses[status] = (statuses[status] ?? 0) + 1;
    this.statuses.set(endpoint, statuses);
    if (!expected) this.unexpected.set(endpoint, (this.unexpected.get(endpoint) ?? 0) + 1);
  }

  figures(seconds: number): EndpointFigures[] {
    return [...this.latencies.entries()]
      .map(([endpoint, latencies]) => {
        const sorted = [...latencies].sort((a, b) => a - b);
        return {
          endpoint,
          requests: sorted.length,
          perSecond: round(sorted.length / seconds),
          statuses: this.statuses.get(endpoint) ?? {},
          errors: this.unexpected.get(endpoint) ?? 0,
          p50Ms: round(percentile(sorted, 0.5)),
          p99Ms: round(percentile(sorted, 0.99)),
          maxMs: round(sorted.at(-1) ?? 0),
        };
      })
      .sort((a, b) => b.requests - a.requests);
  }
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] as number;
}

export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

export function table(rows: EndpointFigures[], seconds: number): string {
  const total = rows.reduce((sum, r) => sum + r.requests, 0);
  const header = ['endpoint', 'requests', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'statuses', 'errors'];
  const body = rows.map((r) => [
    r.endpoint,
    String(r.requests),
    String(r.perSecond),
    String(r.p50Ms),
    String(r.p99Ms),
    String(r.maxMs),
    Object.entries(r.statuses)
      .map(([s, n]) => `${s}:${n}`)
      .join(' '),
    String(r.errors),
  ]);
  body.push(['all', String(total), String(round(total / seconds)), '', '', '', '', String(rows.reduce((sum, r) => sum + r.errors, 0))]);
  const widths = header.map((_, i) => Math.max(...[header, ...body].map((row) => (row[i] as string).length)));
  const line = (row: string[]) => `| ${row.map((cell, i) => cell.padEnd(widths[i] as number)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}
