import type { RunView } from '../../clients/thermos-client';
import type { ApolloContext } from '../../context';
import type { JobRecord } from '../../repositories/jobs';
import type { AppliedPause } from '@at/db';
import { pauseOfJob } from '../pauses';
import { loadOwnedJob } from './load-owned-job';
import type { JobOwner } from './owner';

/** `paused`: what holds the running job's provider calls now (absent when not asked). */
export type JobWithRun = { job: JobRecord; run: RunView | null; paused?: AppliedPause | null };

/** A job with its run's status and counts, read from thermos (null when no run row exists). */
export async function getRevokeJob(ctx: Pick<ApolloContext, 'db' | 'thermos' | 'env'>, owner: JobOwner, jobId: string): Promise<JobWithRun> {
  const job = await loadOwnedJob(ctx.db, owner, jobId);
  const run = await ctx.thermos.getRun(job.workflowId, job.runId);
  return { job, run, paused: run?.status === 'running' ? await pauseOfJob(ctx, job.projectId) : null };
}
