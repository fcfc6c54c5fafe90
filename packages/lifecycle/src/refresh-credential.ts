import type { Logger } from '@at/common';
import type { HeldSlot, OAuthCredential, RefreshClient, Refresher } from '@at/providers';
import type { Vault } from '@at/vault';
import type { CredentialState, DbClient } from './credential-state';
import { newLeaseOwner, releaseLease, takeLease, type Lease } from './lease';
import { openGate, type ProviderGate } from './provider-gate';
import { refreshTiming, type RefreshTiming } from './timing';
import { markNeedsReauth, markNotRefreshable, recordRefreshed, recordRefreshFailed } from './transitions';

/** What a refresh needs; apollo (vend) and thermos (refresh ahead) each build one. */
export type LifecycleDeps = {
  db: DbClient;
  vault: Vault;
  refresher: Refresher;
  logger: Logger;
  gate?: ProviderGate;
  timing?: RefreshTiming;
};

export type RefreshAttempt =
  /** This call refreshed and stored the new pair (refreshedAt on the database clock). */
  | { kind: 'refreshed'; credential: OAuthCredential; expiresAt: Date | null; refreshedAt: Date }
  /** No lease: someone else holds it, the token is no longer due, or the connection is not active. */
  | { kind: 'not_taken' }
  | { kind: 'needs_reauth'; reason: string }
  | { kind: 'failed'; transient: boolean; errorCode: string; errorMessage: string; retryAfterMs: number | null }
  /** The gate refused the provider call (paused); nothing was sent. */
  | { kind: 'paused'; reason: string }
  /** The credential holds no refresh token; nothing can be done. */
  | { kind: 'not_refreshable' };

export type RefreshAttemptOptions = {
  /** Refresh only if the access token expires within this (checked atomically with the lease). */
  dueWithinMs: number;
  /** The rate-limit slot the caller already holds for this app (refresh ahead takes it before the lease), passed on to the refresher. */
  held?: HeldSlot;
  /** Fair share of the rate ceiling (refresh ahead passes its run). */
  share?: string;
  signal?: AbortSignal;
};

/**
 * One refresh of one connection, the single-flight way: take the lease (one conditional UPDATE;
 * only one caller across all processes gets it), ask the gate, call the token endpoint under a
 * deadline shorter than the lease, then record what happened in one statement under the lease:
 * the new pair (a rotated refresh token replaces the old one before anything is handed out),
 * needs_reauth when the refresh token was refused, or the failure. Shared by apollo's vend path
 * and thermos's refresh ahead; thermos's markRevoking waits for the same lease.
 */
export async function refreshCredential(deps: LifecycleDeps, state: CredentialState, options: RefreshAttemptOptions): Promise<RefreshAttempt> {
  const timing = deps.timing ?? refreshTiming();
  const lease = await takeLease(deps.db, { connectedAccountId: state.connectedAccountId, owner: newLeaseOwner(), leaseMs: timing.leaseMs, dueWithinMs: options.dueWithinMs });
  if (!lease) return { kind: 'not_taken' };
  try {
    return await underLease(deps, timing, state, lease, options);
  } catch (error) {
    // an abort, our database or the limiter: give the lease back rather than block for its whole length
    await releaseLease(deps.db, lease).catch(() => undefined);
    throw error;
  }
}

async function underLease(deps: LifecycleDeps, timing: RefreshTiming, state: CredentialState, lease: Lease, options: RefreshAttemptOptions): Promise<RefreshAttempt> {
  const { authConfig } = state;
  const credential = deps.vault.openJson<OAuthCredential | { type: 'api_key' }>(lease.sealed, state.connectedAccountId);
  if (credential.type !== 'oauth2' || !credential.refresh_token) {
    await markNotRefreshable(deps.db, lease);
    return { kind: 'not_refreshable' };
  }
  const gate = await (deps.gate ?? openGate)({ orgId: state.orgId, projectId: state.projectId, authConfigId: state.authConfigId, toolkit: authConfig.toolkit });
  if (!gate.allowed) {
    await releaseLease(deps.db, lease);
    return { kind: 'paused', reason: gate.reason };
  }
  const client: RefreshClient = { tokenEndpointAuthMethod: authConfig.tokenEndpointAuthMethod };
  if (authConfig.clientId !== null) client.clientId = authConfig.clientId;
  if (authConfig.clientSecretSealed !== null) client.clientSecret = deps.vault.openJson<string>(authConfig.clientSecretSealed, state.authConfigId);
  if (authConfig.revocationEndpoint !== null) client.revocationEndpoint = authConfig.revocationEndpoint;
  if (authConfig.tokenEndpoint !== null) client.tokenEndpoint = authConfig.tokenEndpoint;
  if (authConfig.parameters !== null) client.parameters = authConfig.parameters;

  const outcome = await deps.refresher.refresh(
    { toolkit: authConfig.toolkit, client, credential: { ...credential, refresh_token: credential.refresh_token }, ...(options.share ? { share: options.share } : {}) },
    { deadlineMs: timing.deadlineMs, ...(options.held ? { held: options.held } : {}), ...(options.signal ? { signal: options.signal } : {}) },
  );
  const log = { connected_account_id: state.connectedAccountId, auth_config_id: state.authConfigId, toolkit: authConfig.toolkit };

  switch (outcome.kind) {
    case 'refreshed': {
      const fresh = outcome.credential;
      const expiresAt = fresh.expires_at === undefined ? null : new Date(fresh.expires_at);
      const refreshedAt = await recordRefreshed(deps.db, lease, {
        sealed: deps.vault.sealJson(fresh, state.connectedAccountId),
        expiresAt,
        refreshable: expiresAt !== null && fresh.refresh_token !== undefined,
      });
      if (!refreshedAt) {
        // only possible when the write-back came later than the lease (see timing.ts): the pair
        // is live upstream but stored nowhere; never hand it out
        deps.logger.error('a refreshed token pair could not be stored: the lease was lost before the write-back', { ...log, rotated: outcome.rotated });
        return { kind: 'failed', transient: true, errorCode: 'credential_store_failed', errorMessage: 'the refreshed credential could not be stored', retryAfterMs: null };
      }
      deps.logger.debug('credential refreshed', { ...log, rotated: outcome.rotated });
      return { kind: 'refreshed', credential: fresh, expiresAt, refreshedAt };
    }
    case 'dead':
      await markNeedsReauth(deps.db, lease, outcome.errorCode);
      deps.logger.warn('refresh token refused: connection needs re-authorisation', { ...log, error_code: outcome.errorCode });
      return { kind: 'needs_reauth', reason: outcome.errorCode };
    case 'transient':
    case 'failed': {
      await recordRefreshFailed(deps.db, lease, { errorCode: outcome.errorCode, retryAfterMs: outcome.kind === 'transient' ? outcome.retryAfterMs : null });
      deps.logger.warn('refresh failed', { ...log, error_code: outcome.errorCode, transient: outcome.kind === 'transient' });
      return {
        kind: 'failed',
        transient: outcome.kind === 'transient',
        errorCode: outcome.errorCode,
        errorMessage: outcome.errorMessage,
        retryAfterMs: outcome.kind === 'transient' ? outcome.retryAfterMs : null,
      };
    }
  }
}
