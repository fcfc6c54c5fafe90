import { ConflictError, UnprocessableError } from '@at/common';
import type { ApolloContext } from '../../context';
import { loadOwnedJob } from './load-owned-job';
import type { JobOwner } from './owner';
import { startRevokeJob, type StartedJob } from './start-revoke-job';

/**
 * Retries exactly the failed and cancelled connections of a finished job: a new run whose
 * snapshot pages through the source run's failed and cancelled results. Rebuilt from the job
 * alone, so it works even after the job's scope was deleted.
 */
export async function retryJob(ctx: ApolloContext, owner: JobOwner, jobId: string): Promise<StartedJob> {
  const job = await loadOwnedJob(ctx.db, owner, jobId);
  const run = await ctx.thermos.getRun(job.workflowId, job.runId);
  if (run?.status === 'running') throw new ConflictError('job_running', 'the job is still running; retry it once it has finished');
  if (!run || run.counts.failed + run.counts.cancelled === 0) throw new UnprocessableError('nothing_to_retry', 'the job has no failed or cancelled connections to retry');
  return startRevokeJob(ctx, {
    owner,
    target: { kind: 'retry', sourceRunId: job.runId },
    scope: job.scope,
    trigger: 'retry',
    includeDeletedRoot: true,
    retryOf: job.id,
  });
}
