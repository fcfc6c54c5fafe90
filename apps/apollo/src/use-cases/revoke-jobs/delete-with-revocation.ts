import { NotFoundError, type Scope } from '@at/common';
import { insertDeletedEvents, transaction, type DbClient, type DeletedParent } from '@at/db';
import type { ApolloContext } from '../../context';
import { locateScope } from '../../repositories/scopes';
import type { JobOwner } from './owner';
import { isOwnedBy } from './resolve-scope';
import { recordRevokeIntent, revocationOf, type DeleteRevocation } from './revoke-on-delete';

export type DeleteInput = {
  resource: string;
  /** Soft-deletes the caller's live entity (no cascade); false when there was none. */
  softDelete: (db: DbClient) => Promise<boolean>;
  owner: JobOwner;
  scope: Scope;
  revoke: boolean;
};

function deletedParentOf(scope: Scope): DeletedParent {
  if (scope.type === 'org') throw new Error('an org is not deleted through this path');
  return { type: scope.type, id: scope.id };
}

/**
 * Every revocable DELETE; the `connected_account.deleted` events of every connection it takes
 * away are written in its transaction. Without revocation: soft delete, or 404. With it: the soft delete and
 * the intent to revoke commit in one transaction, then the run is started. A DELETE retried on
 * an entity the caller already deleted (say after a 503) answers for that entity's revocation
 * instead of a 404, recording the intent if the first DELETE did not ask for one.
 */
export async function deleteWithRevocation(ctx: ApolloContext, input: DeleteInput): Promise<DeleteRevocation> {
  const deleted = (tx: DbClient) => insertDeletedEvents(tx, deletedParentOf(input.scope));
  if (!input.revoke) {
    await transaction(ctx.db, async (tx) => {
      if (!(await input.softDelete(tx))) throw new NotFoundError(input.resource);
      await deleted(tx);
    });
    return 'not_requested';
  }
  const intent = await transaction(ctx.db, async (tx) => {
    if (await input.softDelete(tx)) await deleted(tx);
    else {
      const found = await locateScope(tx, input.scope);
      if (!found || !found.deleted || !isOwnedBy(found, input.owner)) throw new NotFoundError(input.resource);
    }
    return recordRevokeIntent(tx, input.owner, input.scope);
  });
  return revocationOf(ctx, intent);
}
