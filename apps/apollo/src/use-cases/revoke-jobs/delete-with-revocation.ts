import { NotFoundError, type Scope } from '@at/common';
import type { ApolloContext } from '../../context';
import { revokeDeletedScope, type DeleteRevocation, type Owner } from './revoke-on-delete';

/**
 * Every revocable DELETE: soft delete (no cascade), then, only once that committed and only if
 * asked, revoke what was live under the deleted entity.
 */
export async function deleteWithRevocation(
  ctx: ApolloContext,
  input: { resource: string; softDelete: () => Promise<boolean>; owner: Owner; scope: Scope; revoke: boolean },
): Promise<DeleteRevocation> {
  if (!(await input.softDelete())) throw new NotFoundError(input.resource);
  return input.revoke ? revokeDeletedScope(ctx, input.owner, input.scope) : 'not_requested';
}
