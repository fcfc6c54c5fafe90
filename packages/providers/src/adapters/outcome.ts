import type { OAuthCredential, TokenKind } from '../types';
import type { AdapterFailure, AdapterResult, CallOutcome } from './adapter';

/** The token kinds the credential holds: what dies when a provider revokes the whole grant. */
export function heldTokens(credential: OAuthCredential): TokenKind[] {
  return credential.refresh_token ? ['access', 'refresh'] : ['access'];
}

/** A revocation done in one call: `ok` means `killed` died, a dead-token answer means nothing was left. */
export function resultOfCall(outcome: CallOutcome, killed: TokenKind[]): AdapterResult {
  if (outcome.kind === 'ok') return { outcome: 'revoked', revokedTokens: killed };
  if (outcome.kind === 'already_revoked') return { outcome: 'already_revoked', revokedTokens: [] };
  return failure(outcome);
}

export function failure(outcome: Extract<CallOutcome, { kind: 'failed' }>): AdapterFailure {
  return { outcome: 'failed', errorCode: outcome.errorCode, errorMessage: outcome.errorMessage, providerWide: outcome.providerWide };
}

/** A configuration problem of the auth config: every connection under it fails the same way. */
export function misconfigured(errorCode: string, errorMessage: string): AdapterFailure {
  return { outcome: 'failed', errorCode, errorMessage, providerWide: true };
}

/** What one token's revocation ends: the whole grant, or the token alone. */
export function killedBy(revokes: string, credential: OAuthCredential, kind: TokenKind): TokenKind[] {
  return revokes === 'grant' || revokes === 'installation' ? heldTokens(credential) : [kind];
}
