import type { DbClient } from '@at/db';

export type ConsoleSessionRecord = {
  idHash: string;
  orgId: string;
  orgName: string;
  orgAdminTokenId: string;
  csrfTokenHash: string;
  createdAt: Date;
  expiresAt: Date;
};

export async function insertConsoleSession(
  db: DbClient,
  input: { idHash: string; orgId: string; orgAdminTokenId: string; csrfTokenHash: string; expiresAt: Date },
): Promise<void> {
  await db.consoleSession.create({ data: input });
}

/**
 * The session with this hash if it still authenticates: not signed out, not expired (by the
 * database's clock, the one that stamped it), and its token and org not deleted.
 */
export async function findLiveConsoleSession(db: DbClient, idHash: string): Promise<ConsoleSessionRecord | null> {
  const rows = await db.$queryRaw<Array<ConsoleSessionRecord>>`
    SELECT s.id_hash AS "idHash", s.org_id AS "orgId", o.name AS "orgName", s.org_admin_token_id AS "orgAdminTokenId",
           s.csrf_token_hash AS "csrfTokenHash", s.created_at AS "createdAt", s.expires_at AS "expiresAt"
      FROM console_sessions s
      JOIN org_admin_tokens t ON t.id = s.org_admin_token_id
      JOIN orgs o ON o.id = s.org_id
     WHERE s.id_hash = ${idHash}
       AND s.revoked_at IS NULL
       AND s.expires_at > CURRENT_TIMESTAMP
       AND t.deleted_at IS NULL
       AND o.deleted_at IS NULL`;
  return rows[0] ?? null;
}

/** Ends a session server-side; the cookie is worthless from then on. */
export async function revokeConsoleSession(db: DbClient, idHash: string): Promise<void> {
  await db.consoleSession.updateMany({ where: { idHash, revokedAt: null }, data: { revokedAt: new Date() } });
}
