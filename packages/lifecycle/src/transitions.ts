import { CONNECTION_EVENT_DATA, type ConnectionStatus } from '@at/db';
import type { SealedBox } from '@at/vault';
import type { DbClient } from './credential-state';
import type { Lease } from './lease';

/*
 * The writes of a connection's lifecycle, one function (one statement) per transition, so the
 * events issue can add each one's outbox event in the same transaction. Event names are listed
 * in docs/lifecycle.md. Lock order: connected_accounts, then credentials (see lease.ts).
 */

export type StoredCredential = { sealed: SealedBox; expiresAt: Date | null; refreshable: boolean };

/**
 * A refresh's result, written back while its lease is still ours and the credential is still the
 * version it read, on a connection still active: the new pair replaces the old one atomically
 * (a rotated refresh token is stored before anything from the response is handed out), the lease
 * is released and the back-off reset. Returns the refresh time, or null when it could not be
 * written (the lease lapsed and was taken, or the credential was replaced or revoked meanwhile).
 * Emits nothing: a refresh is no state change (see docs/lifecycle.md).
 */
export async function recordRefreshed(db: DbClient, lease: Lease, fresh: StoredCredential): Promise<Date | null> {
  const rows = await db.$queryRaw<Array<{ at: Date | null }>>`
    WITH ca AS MATERIALIZED (
      SELECT id FROM connected_accounts WHERE id = ${lease.connectedAccountId} AND status = 'active' FOR NO KEY UPDATE),
    cred AS (
      UPDATE credentials SET sealed = ${JSON.stringify(fresh.sealed)}::jsonb, expires_at = ${fresh.expiresAt}, issued_at = clock_timestamp(), version = version + 1,
        refresh_lease_owner = NULL, refresh_lease_until = NULL, refreshable = ${fresh.refreshable}, refresh_failures = 0, refresh_retry_at = NULL, updated_at = CURRENT_TIMESTAMP
      WHERE connected_account_id = (SELECT id FROM ca) AND version = ${lease.version} AND refresh_lease_owner = ${lease.owner} AND sealed IS NOT NULL
      RETURNING connected_account_id),
    acct AS (
      UPDATE connected_accounts SET last_refreshed_at = clock_timestamp()
      WHERE id IN (SELECT connected_account_id FROM cred)
      RETURNING last_refreshed_at)
    SELECT (SELECT last_refreshed_at FROM acct) AS at`;
  return rows[0]?.at ?? null;
}

/**
 * A revocation's own refresh (an adapter that must refresh to revoke, e.g. an expired GitHub App
 * token) stores the pair it got before using it: the old refresh token is spent. The connection
 * is `revoking`, so no lease can be held; the version is bumped like every write of `sealed`.
 * False when the credential was destroyed meanwhile. Emits nothing (no state change).
 */
export async function recordRotatedForRevocation(db: DbClient, input: { connectedAccountId: string } & Omit<StoredCredential, 'refreshable'>): Promise<boolean> {
  const count = await db.$executeRaw`
    UPDATE credentials SET sealed = ${JSON.stringify(input.sealed)}::jsonb, expires_at = ${input.expiresAt}, issued_at = clock_timestamp(), version = version + 1,
      updated_at = CURRENT_TIMESTAMP
    WHERE connected_account_id = ${input.connectedAccountId} AND destroyed_at IS NULL AND sealed IS NOT NULL`;
  return count === 1;
}

/**
 * active -> needs_reauth: the provider refused the refresh token, so the grant is gone and the
 * end user must reconnect. `reason` is the provider's error code. Emits
 * `connected_account.needs_reauth`. False when the lease was no longer ours.
 */
export async function markNeedsReauth(db: DbClient, lease: Pick<Lease, 'connectedAccountId' | 'owner'>, reason: string): Promise<boolean> {
  const rows = await db.$queryRaw<Array<{ id: string }>>`
    WITH ca AS MATERIALIZED (
      SELECT id FROM connected_accounts WHERE id = ${lease.connectedAccountId} AND status = 'active' FOR NO KEY UPDATE),
    cred AS (
      UPDATE credentials SET refresh_lease_owner = NULL, refresh_lease_until = NULL, refreshable = false
      WHERE connected_account_id = (SELECT id FROM ca) AND refresh_lease_owner = ${lease.owner}
      RETURNING connected_account_id),
    acct AS (
      UPDATE connected_accounts SET status = 'needs_reauth', status_reason = ${reason}, last_refresh_error_at = clock_timestamp(), last_refresh_error = ${reason}
      WHERE id IN (SELECT connected_account_id FROM cred)
      RETURNING id),
    -- the outbox, in this same statement
    event AS (
      INSERT INTO events (id, org_id, project_id, connected_account_id, type, data)
      SELECT at_new_id('evt'), ca.org_id, ca.project_id, ca.id, 'connected_account.needs_reauth', ${CONNECTION_EVENT_DATA} || jsonb_build_object('reason', ${reason}::text)
      FROM connected_accounts ca JOIN auth_configs ac ON ac.id = ca.auth_config_id WHERE ca.id IN (SELECT id FROM acct)
      RETURNING 1)
    SELECT id FROM acct`;
  return rows.length === 1;
}

/**
 * A refresh that failed without proving anything about the grant (the provider was unavailable,
 * rate limited, timed out, or refused the app): the status stays, the failure is recorded for
 * health, and refresh ahead backs off (30 s doubling per consecutive failure, up to 32 min, or
 * the provider's Retry-After if longer). Releases the lease.
 */
export async function recordRefreshFailed(db: DbClient, lease: Pick<Lease, 'connectedAccountId' | 'owner'>, failure: { errorCode: string; retryAfterMs: number | null }): Promise<void> {
  const retryAfterS = Math.ceil((failure.retryAfterMs ?? 0) / 1000);
  await db.$executeRaw`
    WITH ca AS MATERIALIZED (
      SELECT id FROM connected_accounts WHERE id = ${lease.connectedAccountId} FOR NO KEY UPDATE),
    cred AS (
      UPDATE credentials SET refresh_lease_owner = NULL, refresh_lease_until = NULL, refresh_failures = refresh_failures + 1,
        refresh_retry_at = clock_timestamp() + make_interval(secs => GREATEST(${retryAfterS}::int, 30 * power(2, LEAST(refresh_failures, 6))::int))
      WHERE connected_account_id = (SELECT id FROM ca) AND refresh_lease_owner = ${lease.owner}
      RETURNING connected_account_id)
    UPDATE connected_accounts SET last_refresh_error_at = clock_timestamp(), last_refresh_error = ${failure.errorCode}
    WHERE id IN (SELECT connected_account_id FROM cred)`;
}

/** The credential holds no refresh token after all (sealed before the flag existed): refresh ahead stops looking at it. */
export async function markNotRefreshable(db: DbClient, lease: Pick<Lease, 'connectedAccountId' | 'owner'>): Promise<void> {
  await db.$executeRaw`
    UPDATE credentials SET refresh_lease_owner = NULL, refresh_lease_until = NULL, refreshable = false
    WHERE connected_account_id = ${lease.connectedAccountId} AND refresh_lease_owner = ${lease.owner}`;
}

export type ReplaceOutcome =
  | { kind: 'replaced'; previousStatus: 'active' | 'needs_reauth' }
  | { kind: 'leased'; until: Date }
  | { kind: 'revoked'; status: ConnectionStatus }
  | { kind: 'not_found' };

/**
 * The end user reconnected: a new credential replaces the stored one, same connection id, and
 * the connection is active again. needs_reauth -> active emits `connected_account.recovered`,
 * active -> active `connected_account.credentials_replaced`. Never while a refresh holds the
 * lease (its write-back would be fenced off, but the pair it got would be lost): answers
 * `leased` and the caller waits. A connection being revoked or revoked keeps its status.
 */
export async function replaceCredential(db: DbClient, input: { connectedAccountId: string; projectId: string } & StoredCredential): Promise<ReplaceOutcome> {
  const rows = await db.$queryRaw<Array<{ status: ConnectionStatus; lease_until: Date | null; leased: boolean; replaced: boolean }>>`
    WITH ca AS MATERIALIZED (
      SELECT id, status FROM connected_accounts WHERE id = ${input.connectedAccountId} AND project_id = ${input.projectId} AND deleted_at IS NULL FOR NO KEY UPDATE),
    cur AS MATERIALIZED (
      SELECT c.connected_account_id, c.refresh_lease_until, c.refresh_lease_until > clock_timestamp() AS leased
      FROM credentials c WHERE c.connected_account_id = (SELECT id FROM ca) FOR UPDATE),
    cred AS (
      INSERT INTO credentials (connected_account_id, sealed, expires_at, refreshable)
      SELECT ca.id, ${JSON.stringify(input.sealed)}::jsonb, ${input.expiresAt}, ${input.refreshable} FROM ca
      WHERE ca.status IN ('active', 'needs_reauth') AND NOT coalesce((SELECT leased FROM cur), false)
      ON CONFLICT (connected_account_id) DO UPDATE SET sealed = EXCLUDED.sealed, expires_at = EXCLUDED.expires_at, issued_at = NULL, version = credentials.version + 1,
        refreshable = EXCLUDED.refreshable, refresh_lease_owner = NULL, refresh_lease_until = NULL, refresh_failures = 0, refresh_retry_at = NULL, destroyed_at = NULL
      RETURNING connected_account_id),
    acct AS (
      UPDATE connected_accounts SET status = 'active', status_reason = NULL
      WHERE id IN (SELECT connected_account_id FROM cred)
      RETURNING id),
    -- needs_reauth -> active: the outbox's recovered event, in this same statement
    event AS (
      INSERT INTO events (id, org_id, project_id, connected_account_id, type, data)
      SELECT at_new_id('evt'), ca.org_id, ca.project_id, ca.id, 'connected_account.recovered', ${CONNECTION_EVENT_DATA}
      FROM connected_accounts ca JOIN auth_configs ac ON ac.id = ca.auth_config_id
      -- the status it had before this statement (the locked row the first CTE read)
      WHERE ca.id IN (SELECT id FROM acct) AND (SELECT prior.status FROM ca prior) = 'needs_reauth'
      RETURNING 1)
    SELECT ca.status, (SELECT refresh_lease_until FROM cur) AS lease_until, coalesce((SELECT leased FROM cur), false) AS leased,
           EXISTS (SELECT 1 FROM acct) AS replaced
    FROM ca`;
  const row = rows[0];
  if (!row) return { kind: 'not_found' };
  if (row.replaced) return { kind: 'replaced', previousStatus: row.status as 'active' | 'needs_reauth' };
  if (row.status === 'revoking' || row.status === 'revoked') return { kind: 'revoked', status: row.status };
  if (row.leased && row.lease_until) return { kind: 'leased', until: row.lease_until };
  return { kind: 'revoked', status: row.status };
}
