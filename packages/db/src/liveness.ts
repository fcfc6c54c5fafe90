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

/**
 * The joins liveConnectionsWhere expects, from `connections` (connected_accounts, or a set of its
 * rows with the columns the conditions read: id, org_id, project_id, auth_config_id, status,
 * deleted_at) as ca.
 */
export function liveConnectionJoins(connections: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`${connections} ca
  JOIN auth_configs ac ON ac.id = ca.auth_config_id
  JOIN projects p ON p.id = ca.project_id
  JOIN orgs o ON o.id = ca.org_id`;
}

export const LIVE_CONNECTION_JOINS = liveConnectionJoins(Prisma.sql`connected_accounts`);

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

/**
 * The one definition of an *orphan*: a connection of the org whose credential is still sealed
 * although it, its auth config, its project or its org is soft-deleted, and that nothing is
 * taking care of. Something takes care of it when a run has it as an item and is running or has
 * recorded an outcome for it (a failure stays the job's to retry), or when a revoke intent over
 * a scope holding it has not snapshotted yet (pending, or started and still snapshotting; an
 * hour after its start, a run that never wrote its row no longer counts). `exceptRunId` leaves
 * one run out: the sweep's own, while it snapshots. A null org means every org.
 *
 * Expects the aliases of LIVE_CONNECTION_JOINS.
 */
export function orphanedConnectionsWhere(orgId: string | null, exceptRunId: string | null = null): Prisma.Sql {
  const ownRun = exceptRunId === null ? Prisma.empty : Prisma.sql` AND r.id <> ${exceptRunId}`;
  const inOrg = orgId === null ? Prisma.empty : Prisma.sql`ca.org_id = ${orgId} AND `;
  return Prisma.sql`${inOrg}ca.status <> 'revoked'
    AND (ca.deleted_at IS NOT NULL OR ac.deleted_at IS NOT NULL OR p.deleted_at IS NOT NULL OR o.deleted_at IS NOT NULL)
    AND EXISTS (SELECT 1 FROM credentials c WHERE c.connected_account_id = ca.id AND c.sealed IS NOT NULL)
    AND NOT EXISTS (
      SELECT 1 FROM revoke_items i JOIN revoke_runs r ON r.id = i.run_id
      WHERE i.connected_account_id = ca.id AND (r.status = 'running' OR i.outcome <> 'pending')${ownRun})
    AND NOT EXISTS (
      SELECT 1 FROM revoke_intents ri
      WHERE ri.target = 'scope' AND ri.org_id = ca.org_id
        AND ((ri.scope_type = 'org' AND ri.scope_id = ca.org_id) OR (ri.scope_type = 'project' AND ri.scope_id = ca.project_id)
          OR (ri.scope_type = 'auth_config' AND ri.scope_id = ca.auth_config_id) OR (ri.scope_type = 'connected_account' AND ri.scope_id = ca.id))
        AND (ri.job_id IS NULL OR EXISTS (
          SELECT 1 FROM jobs j LEFT JOIN revoke_runs jr ON jr.id = j.run_id
          WHERE j.id = ri.job_id AND ((jr.id IS NULL AND ri.started_at > now() - interval '1 hour') OR (jr.status = 'running' AND NOT jr.snapshot_done)))))`;
}

/** Orgs holding orphans (see orphanedConnectionsWhere), in id order (oldest first), at most `limit`. */
export async function orgsWithOrphans(db: DbClient, limit: number): Promise<string[]> {
  const rows = await db.$queryRaw<Array<{ id: string }>>(
    Prisma.sql`SELECT DISTINCT ca.org_id AS id FROM ${LIVE_CONNECTION_JOINS} WHERE ${orphanedConnectionsWhere(null)} ORDER BY 1 LIMIT ${limit}`,
  );
  return rows.map((row) => row.id);
}
