import { addSample, formatDuration, formatPercent, formatRate, progressOf, type ProgressSample } from '@at/common/progress';
import type { Job } from './api/revoke-jobs';

export type Out = { write: (text: string) => void; isTTY: boolean; columns: number };

export const stdout: Out = {
  write: (text) => void process.stdout.write(text),
  isTTY: process.stdout.isTTY === true,
  columns: process.stdout.columns ?? 80,
};

/** A plain text table: columns padded to their widest cell. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}

export const countsLine = (counts: Job['counts']) =>
  `revoked ${counts.revoked}, already revoked ${counts.already_revoked}, unsupported ${counts.unsupported_by_provider}, failed ${counts.failed}, pending ${counts.pending}, cancelled ${counts.cancelled}`;

/**
 * Progress of a job while it is watched: a bar redrawn in place on a terminal; plain lines (one
 * per change) when stdout is a file or a pipe, so logs and scripts read it.
 */
export class ProgressView {
  private samples: ProgressSample[] = [];
  private lastLine = '';

  constructor(
    private readonly out: Out,
    private readonly now: () => number = Date.now,
  ) {}

  update(job: Job): void {
    this.samples = addSample(this.samples, { atMs: this.now(), done: job.counts.total - job.counts.pending });
    const p = progressOf(job.counts, this.samples, job.status !== 'running');
    const figures = `${p.done}/${p.total} ${formatPercent(p.fraction)} rate ${formatRate(p.ratePerSecond)} eta ${formatDuration(p.etaSeconds)}`;
    if (this.out.isTTY) {
      const width = Math.max(10, Math.min(40, this.out.columns - figures.length - 4));
      const filled = Math.round(p.fraction * width);
      this.out.write(`\r\x1b[2K[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${figures}`);
      return;
    }
    const line = `progress ${figures}`;
    // a line per change: a long quiet stretch does not flood a log
    if (line.replace(/ rate .*/, '') !== this.lastLine.replace(/ rate .*/, '')) this.out.write(`${line}\n`);
    this.lastLine = line;
  }

  end(): void {
    if (this.out.isTTY) this.out.write('\n');
  }
}
