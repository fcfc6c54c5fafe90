import type { Credential } from '@at/providers';
import { leaseHeld, readCredentialState, type CredentialState } from './credential-state';
import { isDue, waitForLease } from './lease';
import { refreshCredential, type LifecycleDeps } from './refresh-credential';

export type VendResult =
  /** `refreshed`: the token was renewed at the provider after this request arrived (by it or a concurrent one it waited for). */
  | { kind: 'ok'; credential: Credential; expiresAt: Date | null; refreshed: boolean }
  | { kind: 'not_found' }
  | { kind: 'needs_reauth'; reason: string | null }
  /** revoking or revoked: the credential must not be used (and is gone once revoked). */
  | { kind: 'revoked' }
  /** The stored token has expired and could not be renewed now. */
  | { kind: 'unavailable'; transient: boolean; errorCode: string; errorMessage: string; retryAfterSeconds: number };

const TRANSIENT_CODES = new Set(['rate_limited', 'provider_unavailable', 'timeout', 'credential_store_failed']);
const DEFAULT_RETRY_AFTER_S = 5;
// each round either refreshes, finds the work done, or waits out one lease: a few always end it
const MAX_ROUNDS = 4;

/**
 * Serves a connection's current credential, refreshing first when its access token expires
 * within `leadMs`. Single flight: any number of concurrent calls, in any number of processes,
 * cause at most one refresh at the provider; the others wait for its lease and then read what
 * it stored, so every caller gets the same fresh token. A refresh that failed while a caller
 * waited is not retried by that caller (no storm against a failing provider): it serves the
 * stored token while it is still valid, else answers unavailable.
 */
export async function vendCredential(
  deps: LifecycleDeps,
  connectedAccountId: string,
  options: {
    leadMs: number;
    signal?: AbortSignal;
    /** when the request arrived, epoch ms on this host */
    receivedAt?: number;
    /** the caller's project: another project's (or a deleted) connection is not_found */
    projectId?: string;
  },
): Promise<VendResult> {
  let state = await readCredentialState(deps.db, connectedAccountId, options.projectId);
  const readAt = Date.now();
  if (!state) return { kind: 'not_found' };
  // On the database clock, which refresh times written by other processes use: the first read's
  // clock, moved back by how long this request had waited before it (for a pool connection, say).
  const arrivedAt = new Date(state.dbNow.getTime() - Math.max(0, readAt - (options.receivedAt ?? readAt)));
  for (let round = 0; state; round += 1) {
    if (state.status === 'needs_reauth') return { kind: 'needs_reauth', reason: state.statusReason };
    if (state.status === 'revoking' || state.status === 'revoked' || state.sealed === null) return { kind: 'revoked' };
    const credential = deps.vault.openJson<Credential>(state.sealed, connectedAccountId);
    const refreshedSince = state.lastRefreshedAt !== null && state.lastRefreshedAt >= arrivedAt;
    const served = { kind: 'ok' as const, credential, expiresAt: state.expiresAt, refreshed: refreshedSince };
    if (credential.type !== 'oauth2' || !credential.refresh_token || !isDue(state, options.leadMs)) return served;
    // renewed while this request waited: never renew it again for the same request
    if (refreshedSince && state.expiresAt !== null && state.expiresAt > state.dbNow) return served;
    if (state.lastRefreshErrorAt !== null && state.lastRefreshErrorAt >= arrivedAt) return fallback(state, served, failureOf(state));
    // after failed refreshes, a token that still works is served without asking the provider again
    // until the back-off ends; an expired one is worth a try at once
    if (state.refreshRetryAt !== null && state.refreshRetryAt > state.dbNow && state.expiresAt !== null && state.expiresAt > state.dbNow) return served;
    if (round >= MAX_ROUNDS) return fallback(state, served, { transient: true, errorCode: 'refresh_contended', errorMessage: 'the credential is being refreshed; retry shortly', retryAfterMs: null });
    if (leaseHeld(state)) {
      state = await waitForLease(deps.db, state, options.signal);
      continue;
    }
    const attempt = await refreshCredential(deps, state, { dueWithinMs: options.leadMs, ...(options.signal ? { signal: options.signal } : {}) });
    switch (attempt.kind) {
      case 'refreshed':
        return { kind: 'ok', credential: attempt.credential, expiresAt: attempt.expiresAt, refreshed: true };
      case 'needs_reauth':
        return { kind: 'needs_reauth', reason: attempt.reason };
      case 'failed':
        return fallback(state, served, attempt);
      case 'paused':
        return fallback(state, served, { transient: true, errorCode: 'provider_calls_paused', errorMessage: `provider calls are paused: ${attempt.reason}`, retryAfterMs: null });
      case 'not_refreshable':
        return served;
      case 'not_taken':
        // someone else took the lease, or finished, or the status changed: look again
        state = await readCredentialState(deps.db, connectedAccountId);
        break;
    }
  }
  return { kind: 'not_found' };
}

type Failure = { transient: boolean; errorCode: string; errorMessage: string; retryAfterMs: number | null };

function failureOf(state: CredentialState): Failure {
  const code = state.lastRefreshError ?? 'refresh_failed';
  return { transient: TRANSIENT_CODES.has(code), errorCode: code, errorMessage: `the provider could not refresh the token (${code})`, retryAfterMs: null };
}

/** A failed refresh never changes what is served while the stored token is still valid. */
function fallback(state: CredentialState, served: Extract<VendResult, { kind: 'ok' }>, failure: Failure): VendResult {
  if (state.expiresAt !== null && state.expiresAt > state.dbNow) return served;
  const retryAfterSeconds = failure.retryAfterMs !== null ? Math.max(1, Math.ceil(failure.retryAfterMs / 1000)) : DEFAULT_RETRY_AFTER_S;
  return { kind: 'unavailable', transient: failure.transient, errorCode: failure.errorCode, errorMessage: failure.errorMessage, retryAfterSeconds };
}
