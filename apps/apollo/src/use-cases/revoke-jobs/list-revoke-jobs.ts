import type { ApolloContext } from '../../context';
import { listOwnedJobs, type JobRecord } from '../../repositories/jobs';
import { keysetPage } from '../../routes/paging';
import { ownerIdOf, type JobOwner } from './owner';

/** A page of the owner's jobs, newest first; the cursor is bound to the owner. */
export async function listRevokeJobs<T>(
  ctx: Pick<ApolloContext, 'db' | 'cursors'>,
  owner: JobOwner,
  query: { limit: number; cursor?: string | undefined },
  present: (job: JobRecord) => T,
): Promise<{ items: T[]; next_cursor: string | null }> {
  const ownerId = ownerIdOf(owner);
  return keysetPage({
    cursors: ctx.cursors,
    binding: `${ownerId}:revoke_jobs`,
    limit: query.limit,
    cursor: query.cursor,
    fetch: (beforeId, take) => listOwnedJobs(ctx.db, ownerId, beforeId, take),
    present,
  });
}
