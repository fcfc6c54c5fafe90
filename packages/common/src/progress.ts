/**
 * Progress of a revoke job as people see it (console and CLI): done = total - pending, a rate
 * from successive polls, and the time left at that rate. Pure, with no Node or browser API, so
 * the console's bundle and the CLI import the same code.
 */
export type ProgressSample = { atMs: number; done: number };

export type Progress = {
  done: number;
  total: number;
  /** 0..1; a finished empty job is complete, a running one is still counting (0). */
  fraction: number;
  /** Connections per second over the recent window; null until two polls span some time. */
  ratePerSecond: number | null;
  /** Seconds left at that rate; null while the rate is unknown or zero. 0 when done. */
  etaSeconds: number | null;
};

/** How far back the rate looks: long enough to smooth page-sized jumps, short enough to follow changes. */
export const RATE_WINDOW_MS = 15_000;
/** Samples kept: the window at one poll a second, with room. */
const MAX_SAMPLES = 64;

/** Appends a poll's reading, dropping what fell out of the window (keeping one sample before it). */
export function addSample(samples: readonly ProgressSample[], sample: ProgressSample): ProgressSample[] {
  const last = samples[samples.length - 1];
  // a reading that went backwards (a retried page recounted) restarts the window
  const kept = last && sample.done < last.done ? [] : samples.filter((s) => s.atMs <= sample.atMs);
  const next = [...kept, sample];
  let start = 0;
  while (start < next.length - 2 && (next[start + 1] as ProgressSample).atMs <= sample.atMs - RATE_WINDOW_MS) start += 1;
  return next.slice(Math.max(start, next.length - MAX_SAMPLES));
}

/**
 * `finished`: the job is no longer running. Until its snapshot has counted the scope a running
 * job reports total 0, which is not "done".
 */
export function progressOf(counts: { total: number; pending: number }, samples: readonly ProgressSample[], finished: boolean): Progress {
  const total = Math.max(0, counts.total);
  const done = Math.min(total, Math.max(0, total - counts.pending));
  const fraction = total === 0 ? (finished ? 1 : 0) : done / total;
  const first = samples[0];
  const last = samples[samples.length - 1];
  let ratePerSecond: number | null = null;
  if (first && last && last.atMs - first.atMs >= 500) ratePerSecond = Math.max(0, (last.done - first.done) / ((last.atMs - first.atMs) / 1000));
  let etaSeconds: number | null = null;
  if (done >= total && (total > 0 || finished)) etaSeconds = 0;
  else if (ratePerSecond !== null && ratePerSecond > 0) etaSeconds = (total - done) / ratePerSecond;
  return { done, total, fraction, ratePerSecond, etaSeconds };
}

export function formatRate(ratePerSecond: number | null): string {
  if (ratePerSecond === null) return '–';
  return `${ratePerSecond >= 100 ? Math.round(ratePerSecond) : ratePerSecond.toFixed(1)}/s`;
}

export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '–';
  const s = Math.ceil(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export function formatPercent(fraction: number): string {
  return `${Math.floor(fraction * 100)}%`;
}
