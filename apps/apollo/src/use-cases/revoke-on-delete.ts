import type { Scope } from '@at/common';
import type { ApolloContext } from '../context';

export type Owner = { kind: 'org'; orgId: string } | { kind: 'project'; orgId: string; projectId: string };

export type DeleteRevocation = 'not_requested' | { job_id: string };

/**
 * Called by every DELETE after the soft delete committed, when `revoke_on_delete=true`: starts
 * (or joins) a revoke job over what was live under the deleted entity.
 */
export async function revokeDeletedScope(_ctx: ApolloContext, _owner: Owner, _scope: Scope): Promise<DeleteRevocation> {
  // wired to the revoke-job use case (batch revoke issue)
  return 'not_requested';
}
