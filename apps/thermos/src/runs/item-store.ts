import type { PrismaClient } from '@at/db';

export type PendingItem = {
  seq: number;
  connectedAccountId: string;
  connectionStatus: string;
  authConfigId: string;
  toolkit: string;
  authScheme: 'oauth2' | 'api_key';
  clientId: string | null;
  clientSecretSealed: unknown;
  revocationEndpoint: string | null;
  credentialSealed: unknown;
};

export type ItemResult = {
  outcome: 'revoked' | 'already_revoked' | 'unsupported_by_provider' | 'failed';
  revokedTokens: string[];
  errorCode: string | null;
  errorMessage: string | null;
  attempts: number;
};

/** Pending items of a seq range with everything needed to revoke them, in seq order. */
export async function loadPendingItems(db: PrismaClient, runId: string, fromSeq: number, toSeq: number): Promise<PendingItem[]> {
  const rows = await db.$queryRaw<Array<Record<string, unknown>>>`
    SELECT i.seq, i.connected_account_id, ca.status::text AS status, ca.auth_config_id, ac.toolkit, ac.auth_scheme::text AS auth_scheme,
           ac.client_id, ac.client_secret_sealed, ac.revocation_endpoint, c.sealed
    FROM revoke_items i
    JOIN connected_accounts ca ON ca.id = i.connected_account_id
    JOIN auth_configs ac ON ac.id = ca.auth_config_id
    LEFT JOIN credentials c ON c.connected_account_id = ca.id
    WHERE i.run_id = ${runId} AND i.seq BETWEEN ${fromSeq} AND ${toSeq} AND i.outcome = 'pending'
    ORDER BY i.seq`;
  return rows.map((r) => ({
    seq: Number(r['seq']),
    connectedAccountId: String(r['connected_account_id']),
    connectionStatus: String(r['status']),
    authConfigId: String(r['auth_config_id']),
    toolkit: String(r['toolkit']),
    authScheme: r['auth_scheme'] === 'api_key' ? 'api_key' : 'oauth2',
    clientId: (r['client_id'] as string | null) ?? null,
    clientSecretSealed: r['client_secret_sealed'] ?? null,
    revocationEndpoint: (r['revocation_endpoint'] as string | null) ?? null,
    credentialSealed: r['sealed'] ?? null,
  }));
}

/**
 * Marks a connection `revoking` before its provider is called, so no token refresh can write a
 * fresh credential back meanwhile. Returns false when it is already revoked.
 */
export async function markRevoking(db: PrismaClient, connectedAccountId: string): Promise<boolean> {
  const n = await db.$executeRaw`UPDATE connected_accounts SET status = 'revoking' WHERE id = ${connectedAccountId} AND status <> 'revoked'`;
  return n > 0;
}

/**
 * Records one connection's outcome in a single statement: the item (only if still pending, so
 * a re-run never overwrites a result), and, when the credential is dead or unusable upstream,
 * crypto-shreds the sealed credential and marks the connection revoked.
 */
export async function recordOutcome(db: PrismaClient, runId: string, seq: number, connectedAccountId: string, result: ItemResult): Promise<boolean> {
  const shred = result.outcome !== 'failed';
  const [row] = await db.$queryRaw<Array<{ n: number }>>`
    WITH item AS (
      UPDATE revoke_items SET outcome = ${result.outcome}::revoke_outcome, revoked_tokens = ${result.revokedTokens}::text[],
        error_code = ${result.errorCode}, error_message = ${result.errorMessage}, attempts = attempts + ${result.attempts}, finished_at = CURRENT_TIMESTAMP
      WHERE run_id = ${runId} AND seq = ${seq} AND outcome = 'pending'
      RETURNING connected_account_id),
    cred AS (
      UPDATE credentials SET sealed = NULL, destroyed_at = CURRENT_TIMESTAMP
      WHERE ${shred} AND connected_account_id = ${connectedAccountId} AND EXISTS (SELECT 1 FROM item) AND destroyed_at IS NULL
      RETURNING 1),
    conn AS (
      UPDATE connected_accounts SET status = 'revoked', revoked_at = coalesce(revoked_at, CURRENT_TIMESTAMP)
      WHERE ${shred} AND id = ${connectedAccountId} AND EXISTS (SELECT 1 FROM item)
      RETURNING 1)
    SELECT (SELECT count(*) FROM item)::int AS n`;
  return (row?.n ?? 0) > 0;
}

/** Recounts a page's outcomes from its items: exact whatever ran before, however often. */
export async function recountPage(db: PrismaClient, runId: string, page: number, fromSeq: number, toSeq: number): Promise<void> {
  await db.$executeRaw`
    INSERT INTO revoke_page_counts (run_id, page, revoked, already_revoked, unsupported_by_provider, failed)
    SELECT ${runId}, ${page},
      count(*) FILTER (WHERE outcome = 'revoked'), count(*) FILTER (WHERE outcome = 'already_revoked'),
      count(*) FILTER (WHERE outcome = 'unsupported_by_provider'), count(*) FILTER (WHERE outcome = 'failed')
    FROM revoke_items WHERE run_id = ${runId} AND seq BETWEEN ${fromSeq} AND ${toSeq}
    ON CONFLICT (run_id, page) DO UPDATE SET revoked = EXCLUDED.revoked, already_revoked = EXCLUDED.already_revoked,
      unsupported_by_provider = EXCLUDED.unsupported_by_provider, failed = EXCLUDED.failed`;
}

export type AuthFailure = { errorCode: string; errorMessage: string };

export async function loadAuthFailures(db: PrismaClient, runId: string): Promise<Map<string, AuthFailure>> {
  const rows = await db.revokeRunAuthFailure.findMany({ where: { runId } });
  return new Map(rows.map((r) => [r.authConfigId, { errorCode: r.errorCode, errorMessage: r.errorMessage }]));
}

/** Remembers a provider-wide failure so every worker fails the auth config's rest fast. */
export async function recordAuthFailure(db: PrismaClient, runId: string, authConfigId: string, failure: AuthFailure): Promise<void> {
  await db.$executeRaw`INSERT INTO revoke_run_auth_failures (run_id, auth_config_id, error_code, error_message)
    VALUES (${runId}, ${authConfigId}, ${failure.errorCode}, ${failure.errorMessage}) ON CONFLICT DO NOTHING`;
}

