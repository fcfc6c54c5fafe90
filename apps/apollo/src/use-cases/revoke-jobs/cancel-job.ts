import { WorkflowNotFoundError } from '@temporalio/client';
import { ConflictError, DependencyUnavailableError } from '@at/common';
import { isTemporalUnavailable } from '../../clients/temporal-errors';
import type { ApolloContext } from '../../context';
import type { JobWithRun } from './get-revoke-job';
import { loadOwnedJob } from './load-owned-job';
import type { JobOwner } from './owner';

const finished = () => new ConflictError('job_finished', 'the job has already finished; there is nothing to cancel');

/**
 * Cancels a running job: asks Temporal to cancel its run (the chain that started with the
 * job's run id, never a newer run of the same workflow id). The run then stops taking
 * connections, lets the calls in flight finish and records them, marks the rest `cancelled`
 * and puts their connections back; the job ends `cancelled`. Jobs that share the run (creates
 * deduplicated onto it) end cancelled with it. Answers the job as it is right after the request.
 */
export async function cancelJob(ctx: Pick<ApolloContext, 'db' | 'thermos' | 'temporal'>, owner: JobOwner, jobId: string): Promise<JobWithRun> {
  const job = await loadOwnedJob(ctx.db, owner, jobId);
  const run = await ctx.thermos.getRun(job.workflowId, job.runId);
  if (run?.status !== 'running') throw finished();
  try {
    await ctx.temporal.workflow.getHandle(job.workflowId, undefined, { firstExecutionRunId: job.runId }).cancel();
  } catch (error) {
    // the chain closed between our read and the cancel
    if (error instanceof WorkflowNotFoundError) throw finished();
    if (isTemporalUnavailable(error)) throw new DependencyUnavailableError('temporal', { cause: error });
    throw error;
  }
  return { job, run: await ctx.thermos.getRun(job.workflowId, job.runId) };
}
