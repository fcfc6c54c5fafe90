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
 * What markRevoking found for one connection: `claimed` (now `revoking`, with its credential as
 * it stands at that moment, which is what gets revoked), `revoked` (already revoked), or
 * `leased` (a token refresh holds its lease: nothing was changed; try again after `waitMs`).
 */
export type RevokingClaim = { kind: 'claimed'; sealed: unknown } | { kind: 'revoked' } | { kind: 'leased'; waitMs: number };

/**
 * Marks connections `revoking` before their provider is called, so no token refresh can write
 * a fresh credential back meanwhile. A connection whose refresh lease is held is left alone
 * (its refresh may be rotating the very tokens this run would revoke): the caller waits for the
 * lease and tries again, then revokes the pair the refresh stored. No lease can be taken on a
 * connection once it is `revoking` (see @at/lifecycle). Rows are locked connections first, then
 * credentials, each in id order, so concurrent batches cannot deadlock. Answers in input order.
 */
export async function markRevoking(db: PrismaClient, connectedAccountIds: string[]): Promise<RevokingClaim[]> {
  const rows = await db.$queryRaw<Array<{ id: string; marked: boolean; sealed: unknown; wait_ms: number | null }>>`
    WITH target AS MATERIALIZED (
      SELECT id FROM connected_accounts WHERE id = ANY(${connectedAccountIds}::text[]) AND status <> 'revoked' ORDER BY id FOR UPDATE),
    cred AS MATERIALIZED (
      SELECT connected_account_id, sealed, refresh_lease_until > clock_timestamp() AS leased,
             GREATEST(0, extract(epoch FROM refresh_lease_until - clock_timestamp()) * 1000)::float8 AS wait_ms
      FROM credentials WHERE connected_account_id IN (SELECT id FROM target) ORDER BY connected_account_id FOR UPDATE),
    marked AS (
      UPDATE connected_accounts ca SET status = 'revoking' FROM target
      WHERE ca.id = target.id AND NOT EXISTS (SELECT 1 FROM cred WHERE cred.connected_account_id = target.id AND cred.leased)
      RETURNING ca.id)
    SELECT target.id, target.id IN (SELECT id FROM marked) AS marked, cred.sealed, cred.wait_ms
    FROM target LEFT JOIN cred ON cred.connected_account_id = target.id`;
  const byId = new Map(rows.map((r) => [r.id, r]));
  return connectedAccountIds.map((id): RevokingClaim => {
    const row = byId.get(id);
    if (!row) return { kind: 'revoked' };
    if (row.marked) return { kind: 'claimed', sealed: row.sealed ?? null };
    return { kind: 'leased', waitMs: Number(row.wait_ms ?? 0) };
  });
}

export type OutcomeRecord = { seq: number; connectedAccountId: string; result: ItemResult };

/**
 * Records outcomes in a single statement: each item (only if still pending, so a re-run never
 * overwrites a result), and, where the credential is dead or unusable upstream, crypto-shreds
 * the sealed credential and marks the connection revoked. Returns, in input order, whether
 * each item was recorded by this call.
 */
export async function recordOutcomes(db: PrismaClient, runId: string, records: OutcomeRecord[]): Promise<boolean[]> {
  // one array per column; revoked tokens ('access', 'refresh') travel comma-joined, and '' stands for a null code or message
  const column = <T>(pick: (r: OutcomeRecord) => T) => records.map(pick);
  const seqs = column((r) => r.seq);
  const rows = await db.$queryRaw<Array<{ seq: number }>>`
    WITH input AS (
      SELECT * FROM unnest(${seqs}::int[], ${column((r) => r.result.outcome)}::text[], ${column((r) => r.result.revokedTokens.join(','))}::text[],
        ${column((r) => r.result.errorCode ?? '')}::text[], ${column((r) => r.result.errorMessage ?? '')}::text[], ${column((r) => r.result.attempts)}::int[])
        AS t(seq, outcome, revoked_tokens, error_code, error_message, attempts)),
    item AS (
      UPDATE revoke_items i SET outcome = input.outcome::revoke_outcome, revoked_tokens = string_to_array(input.revoked_tokens, ','),
        error_code = NULLIF(input.error_code, ''), error_message = NULLIF(input.error_message, ''), attempts = i.attempts + input.attempts, finished_at = CURRENT_TIMESTAMP
      -- seq = ANY: right after a snapshot the items have no statistics yet, and the planner would
      -- otherwise hash every pending item of the run for each batch
      FROM input WHERE i.run_id = ${runId} AND i.seq = ANY(${seqs}::int[]) AND i.seq = input.seq AND i.outcome = 'pending'
      RETURNING i.seq, i.connected_account_id, input.outcome <> 'failed' AS shred),
    cred AS (
      UPDATE credentials SET sealed = NULL, destroyed_at = CURRENT_TIMESTAMP, refreshable = false
      WHERE connected_account_id IN (SELECT connected_account_id FROM item WHERE shred) AND destroyed_at IS NULL
      RETURNING 1),
    conn AS (
      UPDATE connected_accounts SET status = 'revoked', revoked_at = coalesce(revoked_at, CURRENT_TIMESTAMP)
      WHERE id IN (SELECT connected_account_id FROM item WHERE shred)
      RETURNING 1)
    SELECT seq FROM item`;
  const recorded = new Set(rows.map((r) => Number(r.seq)));
  return records.map((r) => recorded.has(r.seq));
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

