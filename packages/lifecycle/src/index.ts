export { readCredentialState, leaseHeld, type CredentialState, type DbClient } from './credential-state';
export { dueSql, isDue, newLeaseOwner, releaseLease, takeLease, waitForLease, type Lease } from './lease';
export { openGate, type GateDecision, type ProviderCallTarget, type ProviderGate } from './provider-gate';
export { refreshCredential, type LifecycleDeps, type RefreshAttempt, type RefreshAttemptOptions } from './refresh-credential';
export { DEFAULT_REFRESH_DEADLINE_MS, refreshTiming, type RefreshTiming } from './timing';
export { markNeedsReauth, markNotRefreshable, recordRefreshFailed, recordRefreshed, recordRotatedForRevocation, replaceCredential, type ReplaceOutcome, type StoredCredential } from './transitions';
export { vendCredential, type VendResult } from './vend-credential';
export { createPauseGate, providerGateOf, type PauseGate } from './pause-gate';
