import { Prisma } from '../generated/prisma/client';
import type { Scope } from '@at/common';
import type { DbClient } from './transaction';

/**
 * The one definition of a *live* connection in a scope: the connection, its auth config, its
 * project and its org all undeleted, and the connection not already revoked. Orphans (under a
 * deleted auth config) are excluded. With `includeDeletedRoot`, the scope's own entity may be
 * soft-deleted (a DELETE with revoke_on_delete revokes what was live under it).
 *
 * Expects the aliases ca (connected_accounts), ac (auth_configs), p (projects), o (orgs).
 */
export function liveConnectionsWhere(scope: Scope, includeDeletedRoot: boolean): Prisma.Sql {
  const root = includeDeletedRoot ? scope.type : undefined;
  const undeleted = (alias: string, level: Scope['type']) =>
    root === level ? Prisma.empty : Prisma.sql` AND ${Prisma.raw(alias)}.deleted_at IS NULL`;
  const scopeColumn = { org: 'ca.org_id', project: 'ca.project_id', auth_config: 'ca.auth_config_id', connected_account: 'ca.id' }[scope.type];
  return Prisma.sql`${Prisma.raw(scopeColumn)} = ${scope.id} AND ca.status <> 'revoked'${undeleted('ca', 'connected_account')}${undeleted('ac', 'auth_config')}${undeleted('p', 'project')}${undeleted('o', 'org')}`;
}

export const LIVE_CONNECTION_JOINS = Prisma.sql`connected_accounts ca
  JOIN auth_configs ac ON ac.id = ca.auth_config_id
  JOIN projects p ON p.id = ca.project_id
  JOIN orgs o ON o.id = ca.org_id`;

/** Live connections in a scope counted by toolkit (dry runs and admin no-op checks). */
export async function countLiveConnectionsByToolkit(
  db: DbClient,
  scope: Scope,
  includeDeletedRoot = false,
): Promise<Record<string, number>> {
  const rows = await db.$queryRaw<Array<{ toolkit: string; n: bigint }>>(
    Prisma.sql`SELECT ac.toolkit, count(*) AS n FROM ${LIVE_CONNECTION_JOINS} WHERE ${liveConnectionsWhere(scope, includeDeletedRoot)} GROUP BY ac.toolkit ORDER BY ac.toolkit`,
  );
  return Object.fromEntries(rows.map((row) => [row.toolkit, Number(row.n)]));
}
