import { useEffect, useRef, useState } from 'preact/hooks';
import { addSample, formatDuration, formatPercent, formatRate, progressOf, type Progress, type ProgressSample } from '@at/common/progress';
import { getJob, type Job, type JobRef } from '../api/revoke-jobs';

const POLL_MS = 1000;

/** A job, polled while it runs; rate and ETA come from successive polls. */
export function useJob(ref: JobRef): { job: Job | null; progress: Progress | null; error: unknown; reload: () => void } {
  const [job, setJob] = useState<Job | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);
  const samples = useRef<ProgressSample[]>([]);
  useEffect(() => {
    let stopped = false;
    let timer: number | undefined;
    samples.current = [];
    const poll = async () => {
      try {
        const next = await getJob(ref);
        if (stopped) return;
        samples.current = addSample(samples.current, { atMs: Date.now(), done: next.counts.total - next.counts.pending });
        setJob(next);
        setError(null);
        if (next.status === 'running') timer = window.setTimeout(() => void poll(), POLL_MS);
      } catch (e) {
        if (stopped) return;
        setError(e);
        timer = window.setTimeout(() => void poll(), POLL_MS * 5);
      }
    };
    void poll();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
  }, [ref.id, ref.projectId, tick]);
  return { job, progress: job ? progressOf(job.counts, samples.current, job.status !== 'running') : null, error, reload: () => setTick((t) => t + 1) };
}

export function JobProgress({ jobId, progress, compact = false }: { jobId: string; progress: Progress; compact?: boolean }) {
  const label = `${progress.done} of ${progress.total} done (${formatPercent(progress.fraction)})`;
  return (
    <div class={compact ? 'progress compact' : 'progress'}>
      <progress aria-label={`Progress of ${jobId}`} aria-valuetext={label} max={Math.max(1, progress.total)} value={progress.total === 0 ? progress.fraction : progress.done} />
      <span class="progress-text">
        {progress.done} / {progress.total} ({formatPercent(progress.fraction)})
      </span>
      <span class="progress-rate">
        rate {formatRate(progress.ratePerSecond)} · ETA {formatDuration(progress.etaSeconds)}
      </span>
    </div>
  );
}

const COUNT_LABELS: Array<[keyof Job['counts'], string]> = [
  ['revoked', 'revoked'],
  ['already_revoked', 'already revoked'],
  ['unsupported_by_provider', 'unsupported'],
  ['failed', 'failed'],
  ['cancelled', 'cancelled'],
  ['pending', 'pending'],
];

export function OutcomeCounts({ counts }: { counts: Job['counts'] }) {
  return (
    <dl class="counts" aria-label="Counts by outcome">
      {COUNT_LABELS.map(([key, label]) => (
        <div key={key} class={`count count-${key}`}>
          <dt>{label}</dt>
          <dd>{counts[key]}</dd>
        </div>
      ))}
    </dl>
  );
}

export function StatusBadge({ status }: { status: string }) {
  return <span class={`status status-${status}`}>{status}</span>;
}
