import { type Client } from '@temporalio/client';
import { type PrismaClient } from '@at/db';
import { type Api } from './api';
import { historyFigures, type HistoryFigures } from './history';
import { summarize, type LatencyFigures } from './latency';

export type JobFigures = {
  jobId: string;
  status: string;
  counts: Record<string, number>;
  /** POST /revoke_jobs sent (epoch ms, this machine). */
  createdAt: number;
  /** revoke_runs.finished_at: the run's completeRun activity. */
  finishedAt: number;
  firstItemFinishedAt: number;
  lastItemFinishedAt: number;
  history: HistoryFigures;
  /** The job's own GET while it ran (one a second): what a caller polling it waits. */
  statusWhileRunning: LatencyFigures;
};

const POLL_MS = 1_000;

/** Creates a project-scope job through the public API and waits until it is no longer running. */
export async function runJob(
  api: Api,
  apiKey: string,
  signal: AbortSignal,
  onProgress: (counts: Record<string, number>) => void,
): Promise<{ jobId: string; createdAt: number; status: string; counts: Record<string, number>; pollMs: number[] }> {
  const headers = { 'x-api-key': apiKey };
  const createdAt = Date.now();
  const created = await api.request<{ id: string }>('POST', '/api/v1/revoke_jobs', headers, { scope: { type: 'project' } });
  if (created.status !== 202) throw new Error(`creating the job answered ${created.status}: ${JSON.stringify(created.body)}`);
  const pollMs: number[] = [];
  for (;;) {
    signal.throwIfAborted();
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    const res = await api.request<{ status: string; counts: Record<string, number> }>('GET', `/api/v1/revoke_jobs/${created.body.id}`, headers);
    if (res.status !== 200) throw new Error(`GET /api/v1/revoke_jobs/${created.body.id} answered ${res.status}: ${JSON.stringify(res.body)}`);
    pollMs.push(res.ms);
    const job = res.body;
    onProgress(job.counts);
    if (job.status !== 'running') return { jobId: created.body.id, createdAt, status: job.status, counts: job.counts, pollMs };
  }
}

/** Timings of a finished job from Postgres (run row, items) and from its Temporal histories. */
export async function jobFigures(db: PrismaClient, temporal: Client, job: Awaited<ReturnType<typeof runJob>>): Promise<JobFigures> {
  const [row] = await db.$queryRaw<Array<{ workflow_id: string; run_id: string; finished_at: Date | null }>>`
    SELECT j.workflow_id, j.run_id, r.finished_at FROM jobs j JOIN revoke_runs r ON r.id = j.run_id WHERE j.id = ${job.jobId}`;
  if (!row) throw new Error(`job ${job.jobId} has no run row`);
  const [items] = await db.$queryRaw<Array<{ first: Date | null; last: Date | null }>>`
    SELECT min(finished_at) AS first, max(finished_at) AS last FROM revoke_items WHERE run_id = ${row.run_id}`;
  return {
    jobId: job.jobId,
    status: job.status,
    counts: job.counts,
    createdAt: job.createdAt,
    finishedAt: row.finished_at?.getTime() ?? Number.NaN,
    firstItemFinishedAt: items?.first?.getTime() ?? Number.NaN,
    lastItemFinishedAt: items?.last?.getTime() ?? Number.NaN,
    history: await historyFigures(temporal, row.workflow_id, row.run_id),
    statusWhileRunning: summarize(job.pollMs),
  };
}
