import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Prisma } from '@at/db';
import { sleep } from './sleep';
import { leaseHeld, readCredentialState, type CredentialState, type DbClient } from './credential-state';

/*
 * Lock order, shared with every writer of connections and credentials (thermos's markRevoking
 * and recordOutcomes, apollo): connected_accounts first, then credentials. Each statement takes
 * the connection's row lock in a MATERIALIZED CTE evaluated before the credential is written.
 * Taking the connection FOR SHARE also makes a lease wait for a concurrent markRevoking to commit
 * and then see `revoking`, so no lease is ever granted on a connection being revoked.
 */

/**
 * When a credential is due for refresh, as SQL over alias `c` (credentials): its access token
 * expires within `leadMs`, or within half its lifetime when that is shorter (known when a
 * refresh of ours issued it: `issued_at`). Without the half-life rule a token living less than
 * the lead would be refreshed on every read.
 */
export function dueSql(leadMs: number): Prisma.Sql {
  const lead = Prisma.sql`${leadMs}::float8 * interval '1 millisecond'`;
  return Prisma.sql`c.expires_at <= clock_timestamp() + LEAST(${lead},
    CASE WHEN c.issued_at IS NULL OR c.issued_at >= c.expires_at THEN ${lead} ELSE (c.expires_at - c.issued_at) / 2 END)`;
}

/** The same rule as dueSql, on a state already read. */
export function isDue(state: Pick<CredentialState, 'expiresAt' | 'issuedAt' | 'dbNow'>, leadMs: number): boolean {
  if (state.expiresAt === null) return false;
  const expiresAt = state.expiresAt.getTime();
  const lifetime = state.issuedAt !== null && state.issuedAt.getTime() < expiresAt ? expiresAt - state.issuedAt.getTime() : Number.POSITIVE_INFINITY;
  return expiresAt <= state.dbNow.getTime() + Math.min(leadMs, lifetime / 2);
}

/** A lease owner id: which process took it (for operators), and a fresh id per lease. */
export function newLeaseOwner(): string {
  return `${hostname()}:${process.pid}:${randomUUID()}`;
}

export type Lease = { connectedAccountId: string; owner: string; version: number; sealed: unknown; expiresAt: Date | null; until: Date };

/**
 * Takes the refresh lease of an active connection's credential with one conditional UPDATE:
 * only when no one holds it, and only while the access token is still due (expires within
 * `dueWithinMs`), so a caller that waited for another's refresh never refreshes again. Returns
 * the credential as it stands under the lease, or null when the lease was not taken. Due is
 * dueSql's rule.
 */
export async function takeLease(db: DbClient, input: { connectedAccountId: string; owner: string; leaseMs: number; dueWithinMs: number }): Promise<Lease | null> {
  const rows = await db.$queryRaw<Array<{ sealed: unknown; version: number; expires_at: Date | null; refresh_lease_until: Date }>>`
    WITH ca AS MATERIALIZED (
      SELECT id FROM connected_accounts WHERE id = ${input.connectedAccountId} AND status = 'active' AND deleted_at IS NULL FOR SHARE)
    UPDATE credentials c
    SET refresh_lease_owner = ${input.owner}, refresh_lease_until = clock_timestamp() + ${input.leaseMs}::float8 * interval '1 millisecond'
    FROM ca
    WHERE c.connected_account_id = ca.id
      AND c.sealed IS NOT NULL
      AND (c.refresh_lease_until IS NULL OR c.refresh_lease_until <= clock_timestamp())
      AND ${dueSql(input.dueWithinMs)}
    RETURNING c.sealed, c.version, c.expires_at, c.refresh_lease_until`;
  const row = rows[0];
  if (!row) return null;
  return { connectedAccountId: input.connectedAccountId, owner: input.owner, version: row.version, sealed: row.sealed, expiresAt: row.expires_at, until: row.refresh_lease_until };
}

/** Gives a lease back without writing anything (nothing was sent, or nothing is to be recorded). */
export async function releaseLease(db: DbClient, lease: Pick<Lease, 'connectedAccountId' | 'owner'>): Promise<void> {
  await db.$executeRaw`
    UPDATE credentials SET refresh_lease_owner = NULL, refresh_lease_until = NULL
    WHERE connected_account_id = ${lease.connectedAccountId} AND refresh_lease_owner = ${lease.owner}`;
}

const POLL_FIRST_MS = 10;
const POLL_MAX_MS = 200;

/**
 * Waits while someone else holds the lease: until its holder gives it back (having written its
 * result) or it lapses (its holder died), polling with backoff; then answers the state as it
 * is. Never longer than the lease that was held when it started, plus one poll.
 */
export async function waitForLease(db: DbClient, state: CredentialState, signal?: AbortSignal): Promise<CredentialState | null> {
  let current: CredentialState | null = state;
  let delay = POLL_FIRST_MS;
  while (current && leaseHeld(current)) {
    const left = (current.leaseUntil as Date).getTime() - current.dbNow.getTime();
    await sleep(Math.min(delay, Math.max(1, left)), signal);
    delay = Math.min(POLL_MAX_MS, delay * 2);
    current = await readCredentialState(db, state.connectedAccountId);
  }
  return current;
}
