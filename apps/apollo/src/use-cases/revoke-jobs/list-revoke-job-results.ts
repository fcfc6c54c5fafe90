import type { RunItemsPage, RunOutcome } from '../../clients/thermos-client';
import type { ApolloContext } from '../../context';
import { loadOwnedJob } from './load-owned-job';
import { ownerIdOf, type JobOwner } from './owner';

export type ResultsQuery = { limit: number; cursor?: string | undefined; outcome?: RunOutcome | undefined };

/**
 * A page of a job's per-connection results, served by thermos's run API. thermos's cursor
 * travels inside one of apollo's own, bound to the caller, the job and the filter.
 */
export async function listRevokeJobResults(ctx: Pick<ApolloContext, 'db' | 'thermos' | 'cursors'>, owner: JobOwner, jobId: string, query: ResultsQuery): Promise<RunItemsPage> {
  const job = await loadOwnedJob(ctx.db, owner, jobId);
  const binding = `${ownerIdOf(owner)}:${job.id}:${query.outcome ?? '*'}`;
  const inner = query.cursor === undefined ? undefined : ctx.cursors.decode(query.cursor, binding);
  const page = await ctx.thermos.listItems(job.workflowId, job.runId, {
    limit: query.limit,
    ...(query.outcome ? { outcome: query.outcome } : {}),
    ...(inner ? { cursor: inner } : {}),
  });
  return { items: page.items, next_cursor: page.next_cursor === null ? null : ctx.cursors.encode(page.next_cursor, binding) };
}
