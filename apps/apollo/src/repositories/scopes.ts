import type { Scope } from '@at/common';
import type { DbClient } from '@at/db';

/** Where a scope's entity sits (its org and project) and whether it is soft-deleted. */
export type ScopeLocation = { orgId: string; projectId: string | null; deleted: boolean };

const located = (row: { orgId: string; projectId: string | null; deletedAt: Date | null } | null): ScopeLocation | null =>
  row && { orgId: row.orgId, projectId: row.projectId, deleted: row.deletedAt !== null };

/** The entity a scope names, deleted or not; null when there is no such row. */
export async function locateScope(db: DbClient, scope: Scope): Promise<ScopeLocation | null> {
  const columns = { orgId: true, deletedAt: true } as const;
  switch (scope.type) {
    case 'org': {
      const org = await db.org.findUnique({ where: { id: scope.id }, select: { id: true, deletedAt: true } });
      return located(org && { orgId: org.id, projectId: null, deletedAt: org.deletedAt });
    }
    case 'project': {
      const project = await db.project.findUnique({ where: { id: scope.id }, select: { ...columns, id: true } });
      return located(project && { orgId: project.orgId, projectId: project.id, deletedAt: project.deletedAt });
    }
    case 'auth_config':
      return located(await db.authConfig.findUnique({ where: { id: scope.id }, select: { ...columns, projectId: true } }));
    case 'connected_account':
      return located(await db.connectedAccount.findUnique({ where: { id: scope.id }, select: { ...columns, projectId: true } }));
  }
}
