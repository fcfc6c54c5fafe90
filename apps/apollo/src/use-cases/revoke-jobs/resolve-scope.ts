import { NotFoundError, ValidationError, type Scope } from '@at/common';
import type { PrismaClient } from '@at/db';
import type { JobOwner } from './owner';

export type ScopeInput = { type: Scope['type']; id?: string | undefined };

type Located = { orgId: string; projectId: string | null; deleted: boolean } | null;

async function locate(db: PrismaClient, scope: Scope): Promise<Located> {
  switch (scope.type) {
    case 'org': {
      const org = await db.org.findUnique({ where: { id: scope.id } });
      return org && { orgId: org.id, projectId: null, deleted: org.deletedAt !== null };
    }
    case 'project': {
      const project = await db.project.findUnique({ where: { id: scope.id } });
      return project && { orgId: project.orgId, projectId: project.id, deleted: project.deletedAt !== null };
    }
    case 'auth_config': {
      const config = await db.authConfig.findUnique({ where: { id: scope.id } });
      return config && { orgId: config.orgId, projectId: config.projectId, deleted: config.deletedAt !== null };
    }
    case 'connected_account': {
      const account = await db.connectedAccount.findUnique({ where: { id: scope.id } });
      return account && { orgId: account.orgId, projectId: account.projectId, deleted: account.deletedAt !== null };
    }
  }
}

/**
 * Completes a scope (a missing id means the caller's own org or project) and checks the caller
 * owns it (and, with `withinProject`, that it lies in that project). Anything not the caller's,
 * or deleted, is a 404.
 */
export async function resolveScope(db: PrismaClient, owner: JobOwner, input: ScopeInput, options: { allowDeleted?: boolean; withinProject?: string } = {}): Promise<Scope> {
  if (owner.kind === 'project' && input.type === 'org') {
    throw new ValidationError('org scope is only available on the dashboard API', [{ path: 'body.scope.type', message: 'org scope is dashboard-only' }]);
  }
  const implicit = input.type === 'org' ? owner.orgId : input.type === 'project' && owner.kind === 'project' ? owner.projectId : undefined;
  const id = input.id ?? implicit;
  if (id === undefined) throw new ValidationError('scope id is required', [{ path: 'body.scope.id', message: `required for scope ${input.type}` }]);
  const scope = { type: input.type, id } as Scope;
  const found = await locate(db, scope);
  const owned =
    found !== null &&
    found.orgId === owner.orgId &&
    (owner.kind === 'org' || found.projectId === owner.projectId) &&
    (options.withinProject === undefined || found.projectId === options.withinProject);
  if (!found || !owned || (found.deleted && !options.allowDeleted)) throw new NotFoundError(scope.type.replace('_', ' '));
  return scope;
}
