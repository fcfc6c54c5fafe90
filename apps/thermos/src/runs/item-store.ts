import type { FinalOutcome, OutcomeCounts } from '@at/common';
import { CONNECTION_EVENT_DATA, hotQuery, PREPARED, type PrismaClient } from '@at/db';

/*
 * Lock order, in every writer of connections and credentials (here, release-store.ts, and
 * apollo): connected_accounts first, then credentials, each in id order; a run's own items
 * after them. Each statement takes those locks in a MATERIALIZED CTE that the writes depend on
 * (through an InitPlan gate, evaluated before the first row is written), so two overlapping
 * runs can wait for each other but never deadlock.
 */

export type PendingItem = {
  seq: number;
  connectedAccountId: string;
  projectId: string;
  connectionStatus: string;
  authConfigId: string;
  toolkit: string;
  authScheme: 'oauth2' | 'api_key';
  clientId: string | null;
  clientSecretSealed: unknown;
  revocationEndpoint: string | null;
  tokenEndpoint: string | null;
  /** The auth config's per-tenant values (okta_domain, shop, subdomain ...), or null. */
  parameters: Record<string, string> | null;
  credentialSealed: unknown;
};

/** What a page records for one connection (`cancelled` is only ever written by a run's release). */
export type ItemResult = {
  outcome: Exclude<FinalOutcome, 'cancelled'>;
  revokedTokens: string[];
  errorCode: string | null;
  errorMessage: string | null;
  attempts: number;
};

const PENDING_ITEMS = `${PREPARED}
    SELECT i.seq, i.connected_account_id, ca.project_id, ca.status::text AS status, ca.auth_config_id, ac.toolkit, ac.auth_scheme::text AS auth_scheme,
           ac.client_id, ac.client_secret_sealed, ac.revocation_endpoint, ac.token_endpoint, ac.parameters, c.sealed
    FROM revoke_items i
    JOIN connected_accounts ca ON ca.id = i.connected_account_id
    JOIN auth_configs ac ON ac.id = ca.auth_config_id
    LEFT JOIN credentials c ON c.connected_account_id = ca.id
    WHERE i.run_id = $1 AND i.seq BETWEEN $2 AND $3 AND i.outcome = 'pending'
    ORDER BY i.seq`;

/** Pending items of a seq range with everything needed to revoke them, in seq order. */
export async function loadPendingItems(db: PrismaClient, runId: string, fromSeq: number, toSeq: number): Promise<PendingItem[]> {
  const rows = await hotQuery<Record<string, unknown>>(db, PENDING_ITEMS, [runId, fromSeq, toSeq]);
  return rows.map((r) => ({
    seq: Number(r['seq']),
    connectedAccountId: String(r['connected_account_id']),
    projectId: String(r['project_id']),
    connectionStatus: String(r['status']),
    authConfigId: String(r['auth_config_id']),
    toolkit: String(r['toolkit']),
    authScheme: r['auth_scheme'] === 'api_key' ? 'api_key' : 'oauth2',
    clientId: (r['client_id'] as string | null) ?? null,
    clientSecretSealed: r['client_secret_sealed'] ?? null,
    revocationEndpoint: (r['revocation_endpoint'] as string | null) ?? null,
    tokenEndpoint: (r['token_endpoint'] as string | null) ?? null,
    parameters: (r['parameters'] as Record<string, string> | null) ?? null,
    credentialSealed: r['sealed'] ?? null,
  }));
}

/** How many times one item may be sent to its provider without an answer being recorded. */
export const MAX_SENDS = 3;

export type ClaimTarget = { seq: number; connectedAccountId: string };

/**
 * Whether a call may go out for an item: `claimed` (the connection is now `revoking`, held by
 * this run, the item's send is counted, and `sealed` is its credential as it stands at that
 * moment, which is what gets revoked), `revoked` (the connection is already revoked),
 * `exhausted` (sent MAX_SENDS times already without a recorded answer), `settled` (the item
 * is no longer pending, or the run is closing: nothing may be sent), or `leased` (a token
 * refresh holds the credential's lease: nothing was changed or counted; try again after
 * `waitMs`).
 */
export type Claim = { kind: 'claimed'; sealed: unknown } | { kind: 'revoked' | 'exhausted' | 'settled' } | { kind: 'leased'; waitMs: number };

const CLAIM = `${PREPARED}
    WITH open_run AS (SELECT 1 FROM revoke_runs WHERE id = $1 AND status = 'running' AND NOT closing),
    item AS MATERIALIZED (
      SELECT i.seq, i.connected_account_id AS id, i.sends FROM revoke_items i
      -- seq = ANY, as in recordOutcomes: without it the planner (no statistics yet right after a
      -- snapshot) hashes every pending item of the run for each claim; the item's connection is
      -- checked by position in the arrays (a join with unnest was re-run for every item)
      WHERE i.run_id = $1 AND i.seq = ANY($2::int[]) AND i.connected_account_id = ($3::text[])[array_position($2::int[], i.seq)]
        AND i.outcome = 'pending' AND EXISTS (SELECT 1 FROM open_run)),
    locked AS MATERIALIZED (
      SELECT ca.id, ca.status FROM connected_accounts ca WHERE ca.id IN (SELECT id FROM item WHERE sends < $4) ORDER BY ca.id FOR UPDATE),
    -- after the connections (lock order): a refresh holding the lease may be mid-rotation
    cred AS MATERIALIZED (
      SELECT c.connected_account_id AS id, c.sealed, c.refresh_lease_until > clock_timestamp() AS leased,
        GREATEST(0, extract(epoch FROM c.refresh_lease_until - clock_timestamp()) * 1000)::float8 AS wait_ms
      FROM credentials c WHERE c.connected_account_id IN (SELECT id FROM locked WHERE status <> 'revoked') AND (SELECT count(*) FROM locked) >= 0
      ORDER BY c.connected_account_id FOR UPDATE),
    marked AS (
      UPDATE connected_accounts ca SET status = 'revoking', revoking_run_id = $1,
        status_before_revoking = CASE WHEN ca.status = 'revoking' THEN ca.status_before_revoking ELSE ca.status END
      FROM locked WHERE ca.id = locked.id AND ca.status <> 'revoked'
        AND NOT EXISTS (SELECT 1 FROM cred WHERE cred.id = locked.id AND cred.leased)
      RETURNING ca.id),
    sent AS (
      UPDATE revoke_items i SET sends = i.sends + 1
      FROM item WHERE i.run_id = $1 AND i.seq = item.seq AND item.id IN (SELECT id FROM marked)
      RETURNING i.seq)
    SELECT item.seq,
      CASE WHEN item.sends >= $4 THEN 'exhausted' WHEN item.seq IN (SELECT seq FROM sent) THEN 'claimed'
        WHEN EXISTS (SELECT 1 FROM cred WHERE cred.id = item.id AND cred.leased) AND EXISTS (SELECT 1 FROM locked WHERE locked.id = item.id AND locked.status <> 'revoked') THEN 'leased'
        ELSE 'revoked' END AS claim,
      cred.sealed, cred.wait_ms
    FROM item LEFT JOIN cred ON cred.id = item.id`;

/**
 * Claims items for a call, before the provider is called: marks each connection `revoking`
 * (remembering the status it had, unless another run already holds it) so no token refresh can
 * write a fresh credential back meanwhile, and counts the send. A connection whose refresh
 * lease is held is left alone (its refresh may be rotating the very tokens this run would
 * revoke): the caller waits for the lease and tries again, then revokes the pair the refresh
 * stored. No lease can be taken on a connection once it is `revoking` (see @at/lifecycle).
 * Answers in input order.
 */
export async function markRevoking(db: PrismaClient, runId: string, targets: ClaimTarget[]): Promise<Claim[]> {
  const rows = await hotQuery<{ seq: number; claim: 'claimed' | 'revoked' | 'exhausted' | 'leased'; sealed: unknown; wait_ms: number | null }>(db, CLAIM, [
    runId,
    targets.map((t) => t.seq),
    targets.map((t) => t.connectedAccountId),
    MAX_SENDS,
  ]);
  const claims = new Map(
    rows.map((r): [number, Claim] => {
      if (r.claim === 'claimed') return [Number(r.seq), { kind: 'claimed', sealed: r.sealed ?? null }];
      if (r.claim === 'leased') return [Number(r.seq), { kind: 'leased', waitMs: Number(r.wait_ms ?? 0) }];
      return [Number(r.seq), { kind: r.claim }];
    }),
  );
  return targets.map((t) => claims.get(t.seq) ?? { kind: 'settled' });
}

export type OutcomeRecord = { seq: number; connectedAccountId: string; result: ItemResult };

const RECORD_OUTCOMES = `${PREPARED}
    WITH input AS (
      SELECT * FROM unnest($2::int[], $3::text[], $4::text[],
        $5::text[], $6::text[],
        $7::text[], $8::int[])
        AS t(seq, connected_account_id, outcome, revoked_tokens, error_code, error_message, attempts)),
    locked_conn AS MATERIALIZED (
      SELECT id, status FROM connected_accounts WHERE id IN (SELECT connected_account_id FROM input) ORDER BY id FOR UPDATE),
    locked_cred AS MATERIALIZED (
      SELECT connected_account_id FROM credentials WHERE connected_account_id IN (SELECT id FROM locked_conn) ORDER BY connected_account_id FOR UPDATE),
    item AS (
      UPDATE revoke_items i SET outcome = input.outcome::revoke_outcome, revoked_tokens = string_to_array(input.revoked_tokens, ','),
        error_code = NULLIF(input.error_code, ''), error_message = NULLIF(input.error_message, ''), attempts = i.attempts + input.attempts, finished_at = CURRENT_TIMESTAMP
      -- seq = ANY: right after a snapshot the items have no statistics yet, and the planner would
      -- otherwise hash every pending item of the run for each batch
      FROM input WHERE i.run_id = $1 AND i.seq = ANY($2::int[]) AND i.seq = input.seq AND i.outcome = 'pending'
        AND (SELECT count(*) FROM locked_cred) >= 0
      RETURNING i.seq, i.connected_account_id, input.outcome, input.outcome IN ('revoked', 'already_revoked', 'unsupported_by_provider') AS shred),
    -- the outbox, in this same statement: a connection that becomes revoked has its event, naming the outcome and the starter's job
    event AS (
      INSERT INTO events (id, org_id, project_id, connected_account_id, type, data)
      SELECT at_new_id('evt'), ca.org_id, ca.project_id, ca.id, 'connected_account.revoked',
        ${CONNECTION_EVENT_DATA.text} || jsonb_build_object('outcome', item.outcome, 'job_id', (SELECT job_id FROM revoke_runs WHERE id = $1))
      FROM item JOIN locked_conn lc ON lc.id = item.connected_account_id JOIN connected_accounts ca ON ca.id = item.connected_account_id
        JOIN auth_configs ac ON ac.id = ca.auth_config_id
      WHERE item.shred AND lc.status <> 'revoked'
      ORDER BY ca.id
      RETURNING 1),
    cred AS (
      UPDATE credentials SET sealed = NULL, destroyed_at = CURRENT_TIMESTAMP, refreshable = false
      WHERE connected_account_id IN (SELECT connected_account_id FROM item WHERE shred) AND destroyed_at IS NULL
      RETURNING 1),
    revoked AS (
      UPDATE connected_accounts SET status = 'revoked', revoked_at = coalesce(revoked_at, CURRENT_TIMESTAMP), revoking_run_id = NULL, status_before_revoking = NULL
      WHERE id IN (SELECT connected_account_id FROM item WHERE shred)
      RETURNING 1),
    released AS (
      UPDATE connected_accounts SET status = coalesce(status_before_revoking, 'active'), revoking_run_id = NULL, status_before_revoking = NULL
      WHERE id IN (SELECT connected_account_id FROM item WHERE NOT shred) AND status = 'revoking' AND revoking_run_id = $1
      RETURNING 1)
    SELECT seq FROM item`;

/**
 * Records outcomes in one statement: each item (only while still pending, so a re-run never
 * overwrites a result); where the credential is dead or unusable upstream, crypto-shreds it and
 * marks the connection revoked; where the outcome is `failed`, puts back the status the
 * connection had before this run set it `revoking`; for each connection that became revoked,
 * writes its `connected_account.revoked` event (the outbox, in the same statement). Returns, in input order, whether each item
 * was recorded by this call.
 */
export async function recordOutcomes(db: PrismaClient, runId: string, records: OutcomeRecord[]): Promise<boolean[]> {
  // one array per column; revoked tokens ('access', 'refresh') travel comma-joined, and '' stands for a null code or message
  const column = <T>(pick: (r: OutcomeRecord) => T) => records.map(pick);
  const seqs = column((r) => r.seq);
  const rows = await hotQuery<{ seq: number }>(db, RECORD_OUTCOMES, [
    runId,
    seqs,
    column((r) => r.connectedAccountId),
    column((r) => r.result.outcome),
    column((r) => r.result.revokedTokens.join(',')),
    column((r) => r.result.errorCode ?? ''),
    column((r) => r.result.errorMessage ?? ''),
    column((r) => r.result.attempts),
  ]);
  const recorded = new Set(rows.map((r) => Number(r.seq)));
  return records.map((r) => recorded.has(r.seq));
}

/** Recounts a page's outcomes from its items: exact whatever ran before, however often. */
export async function recountPage(db: PrismaClient, runId: string, page: number, fromSeq: number, toSeq: number): Promise<OutcomeCounts> {
  const [row] = await db.$queryRaw<Array<Record<keyof OutcomeCounts, number>>>`
    INSERT INTO revoke_page_counts AS pc (run_id, page, revoked, already_revoked, unsupported_by_provider, failed, cancelled)
    SELECT ${runId}, ${page},
      count(*) FILTER (WHERE outcome = 'revoked'), count(*) FILTER (WHERE outcome = 'already_revoked'),
      count(*) FILTER (WHERE outcome = 'unsupported_by_provider'), count(*) FILTER (WHERE outcome = 'failed'), count(*) FILTER (WHERE outcome = 'cancelled')
    FROM revoke_items WHERE run_id = ${runId} AND seq BETWEEN ${fromSeq} AND ${toSeq}
    ON CONFLICT (run_id, page) DO UPDATE SET revoked = EXCLUDED.revoked, already_revoked = EXCLUDED.already_revoked,
      unsupported_by_provider = EXCLUDED.unsupported_by_provider, failed = EXCLUDED.failed, cancelled = EXCLUDED.cancelled
    RETURNING pc.revoked, pc.already_revoked, pc.unsupported_by_provider, pc.failed, pc.cancelled`;
  return {
    revoked: Number(row?.revoked ?? 0),
    already_revoked: Number(row?.already_revoked ?? 0),
    unsupported_by_provider: Number(row?.unsupported_by_provider ?? 0),
    failed: Number(row?.failed ?? 0),
    cancelled: Number(row?.cancelled ?? 0),
  };
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

/**
 * Gives back claims for which nothing was sent (a stopping page abandoned calls still waiting
 * for a rate-limit slot): the send is uncounted, the item stays pending, and the connection
 * goes back to the status it had (if this run holds it).
 */
export async function releaseClaims(db: PrismaClient, runId: string, targets: ClaimTarget[]): Promise<void> {
  await db.$executeRaw`
    WITH input AS (SELECT * FROM unnest(${targets.map((t) => t.seq)}::int[], ${targets.map((t) => t.connectedAccountId)}::text[]) AS t(seq, id)),
    locked_conn AS MATERIALIZED (SELECT id FROM connected_accounts WHERE id IN (SELECT id FROM input) ORDER BY id FOR UPDATE),
    item AS (
      UPDATE revoke_items i SET sends = greatest(i.sends - 1, 0)
      FROM input WHERE i.run_id = ${runId} AND i.seq = input.seq AND i.outcome = 'pending' AND (SELECT count(*) FROM locked_conn) >= 0
      RETURNING i.connected_account_id)
    UPDATE connected_accounts SET status = coalesce(status_before_revoking, 'active'), revoking_run_id = NULL, status_before_revoking = NULL
    WHERE id IN (SELECT connected_account_id FROM item) AND status = 'revoking' AND revoking_run_id = ${runId}`;
}
