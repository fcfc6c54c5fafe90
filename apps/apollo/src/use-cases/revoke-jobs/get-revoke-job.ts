import type { RunView } from '../../clients/thermos-client';
import type { ApolloContext } from '../../context';
import type { JobRecord } from '../../repositories/jobs';
import { loadOwnedJob } from './load-owned-job';
import type { JobOwner } from './owner';

export type JobWithRun = { job: JobRecord; run: RunView | null };

/** A job with its run's status and counts, read from thermos (null when no run row exists). */
export async function getRevokeJob(ctx: Pick<ApolloContext, 'db' | 'thermos'>, owner: JobOwner, jobId: string): Promise<JobWithRun> {
  const job = await loadOwnedJob(ctx.db, owner, jobId);
  return { job, run: await ctx.thermos.getRun(job.workflowId, job.runId) };
}
