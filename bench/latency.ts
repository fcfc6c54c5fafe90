export type LatencyFigures = { requests: number; p50Ms: number; p99Ms: number; maxMs: number };

/** p50/p99 by nearest rank. */
export function summarize(samples: number[]): LatencyFigures {
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
  const ms = (v: number) => Math.round(v * 100) / 100;
  return { requests: sorted.length, p50Ms: ms(rank(50)), p99Ms: ms(rank(99)), maxMs: ms(sorted[sorted.length - 1] ?? Number.NaN) };
}
