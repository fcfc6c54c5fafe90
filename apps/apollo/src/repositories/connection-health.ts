import { Prisma, type PrismaClient } from '@at/db';

export type AuthConfigHealth = { authConfigId: string; toolkit: string; active: number; needsReauth: number; revoking: number; revoked: number };

/**
 * Connections of a project (optionally one end user's) counted by status for each live auth
 * config that has any, so a failing connector shows up next to a working one.
 */
export async function connectionHealth(db: PrismaClient, projectId: string, userId: string | undefined): Promise<AuthConfigHealth[]> {
  const rows = await db.$queryRaw<Array<{ auth_config_id: string; toolkit: string; active: bigint; needs_reauth: bigint; revoking: bigint; revoked: bigint }>>`
    SELECT ca.auth_config_id, ac.toolkit,
      count(*) FILTER (WHERE ca.status = 'active') AS active, count(*) FILTER (WHERE ca.status = 'needs_reauth') AS needs_reauth,
      count(*) FILTER (WHERE ca.status = 'revoking') AS revoking, count(*) FILTER (WHERE ca.status = 'revoked') AS revoked
    FROM connected_accounts ca JOIN auth_configs ac ON ac.id = ca.auth_config_id
    WHERE ca.project_id = ${projectId} AND ca.deleted_at IS NULL AND ac.deleted_at IS NULL${userId === undefined ? Prisma.empty : Prisma.sql` AND ca.user_id = ${userId}`}
    GROUP BY ca.auth_config_id, ac.toolkit
    ORDER BY ca.auth_config_id`;
  return rows.map((r) => ({ authConfigId: r.auth_config_id, toolkit: r.toolkit, active: Number(r.active), needsReauth: Number(r.needs_reauth), revoking: Number(r.revoking), revoked: Number(r.revoked) }));
}
