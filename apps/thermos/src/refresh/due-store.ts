import { Prisma, type PrismaClient } from '@at/db';
import { dueSql } from '@at/lifecycle';
import type { RefreshAheadCursor } from '@at/common/temporal-contract';

/**
 * The next page of credentials refresh ahead should renew: refreshable, expiring before
 * the horizon (or within half its lifetime when that is shorter: see dueSql), of a live active connection, not backed off, and not attempted since this run
 * started (so a token renewed to a lifetime shorter than the horizon is not renewed twice in one
 * run). Keyset order (expires_at, id), so a page skipped over (its lease was held) is not
 * revisited either. Reads the (refreshable, expires_at) index.
 */
export async function loadDueCredentials(
  db: PrismaClient,
  input: { horizonSeconds: number; startedAt: Date; cursor: RefreshAheadCursor | null; limit: number },
): Promise<Array<{ id: string; expiresAt: Date }>> {
  const after = input.cursor;
  const rows = await db.$queryRaw<Array<{ id: string; expires_at: Date }>>`
    SELECT c.connected_account_id AS id, c.expires_at
    FROM credentials c
    JOIN connected_accounts ca ON ca.id = c.connected_account_id
    JOIN auth_configs ac ON ac.id = ca.auth_config_id
    JOIN projects p ON p.id = ca.project_id
    JOIN orgs o ON o.id = ca.org_id
    WHERE c.refreshable AND c.expires_at <= clock_timestamp() + ${input.horizonSeconds}::float8 * interval '1 second' AND ${dueSql(input.horizonSeconds * 1000)}
      AND c.sealed IS NOT NULL
      AND (c.refresh_retry_at IS NULL OR c.refresh_retry_at <= clock_timestamp())
      ${after ? Prisma.sql`AND (c.expires_at, c.connected_account_id) > (${new Date(after.expiresAt)}, ${after.id})` : Prisma.empty}
      AND ca.status = 'active' AND ca.deleted_at IS NULL AND ac.deleted_at IS NULL AND p.deleted_at IS NULL AND o.deleted_at IS NULL
      AND coalesce(ca.last_refreshed_at, '-infinity') < ${input.startedAt} AND coalesce(ca.last_refresh_error_at, '-infinity') < ${input.startedAt}
    ORDER BY c.expires_at, c.connected_account_id
    LIMIT ${input.limit}`;
  return rows.map((r) => ({ id: r.id, expiresAt: r.expires_at }));
}
