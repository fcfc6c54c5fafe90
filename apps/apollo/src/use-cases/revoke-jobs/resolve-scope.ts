import { NotFoundError, ValidationError, type Scope } from '@at/common';
import type { DbClient } from '@at/db';
import { locateScope, type ScopeLocation } from '../../repositories/scopes';
import type { JobOwner } from './owner';

export type ScopeInput = { type: Scope['type']; id?: string | undefined };

/** Whether the entity at `found` is the owner's: in its org, and for a project owner in its project. */
export const isOwnedBy = (found: ScopeLocation, owner: JobOwner): boolean =>
  found.orgId === owner.orgId && (owner.kind === 'org' || found.projectId === owner.projectId);

/**
 * Completes a scope (a missing id means the caller's own org or project) and checks the caller
 * owns it (and, with `withinProject`, that it lies in that project). Anything not the caller's,
 * or deleted, is a 404.
 */
export async function resolveScope(db: DbClient, owner: JobOwner, input: ScopeInput, options: { withinProject?: string } = {}): Promise<Scope> {
  if (owner.kind === 'project' && input.type === 'org') {
    throw new ValidationError('org scope is only available on the dashboard API', [{ path: 'body.scope.type', message: 'org scope is dashboard-only' }]);
  }
  const implicit = input.type === 'org' ? owner.orgId : input.type === 'project' && owner.kind === 'project' ? owner.projectId : undefined;
  const id = input.id ?? implicit;
  if (id === undefined) throw new ValidationError('scope id is required', [{ path: 'body.scope.id', message: `required for scope ${input.type}` }]);
  const scope = { type: input.type, id } as Scope;
  const found = await locateScope(db, scope);
  const owned = found !== null && isOwnedBy(found, owner) && (options.withinProject === undefined || found.projectId === options.withinProject);
  if (!found || !owned || found.deleted) throw new NotFoundError(scope.type.replace('_', ' '));
  return scope;
}
