import type { Scope } from '@at/common';
import type { ApolloContext } from '../../context';
import type { JobOwner } from './owner';
import { startRevokeJob } from './start-revoke-job';

export type Owner = JobOwner;

export type DeleteRevocation = 'not_requested' | { job_id: string };

/**
 * Called by every DELETE with `revoke_on_delete=true`: starts (or joins) a revoke job over what
 * was live under the entity. The entity's own deleted_at is ignored by that run's snapshot, so
 * it covers the same connections whether the snapshot runs before or after the delete commits.
 */
export async function revokeDeletedScope(ctx: ApolloContext, owner: Owner, scope: Scope): Promise<DeleteRevocation> {
  const { job } = await startRevokeJob(ctx, { owner, target: { kind: 'scope', scope }, scope, trigger: 'delete', includeDeletedRoot: true });
  return { job_id: job.id };
}
