import type { RevokeRequest, RevokeResult } from '@at/providers';
import type { Vault } from '@at/vault';
import type { AuthFailure, ItemResult, PendingItem } from '../runs/item-store';

export type ConnectionDecision = { kind: 'skip'; result: ItemResult } | { kind: 'call'; request: RevokeRequest };

/**
 * What a page learns as it goes: the auth configs whose client the provider refused (the rest of
 * their connections fail fast), and each auth config's opened client secret (opened once).
 */
export type PageKnowledge = { authFailures: Map<string, AuthFailure>; clientSecrets: Map<string, string> };

export const pageKnowledge = (authFailures = new Map<string, AuthFailure>()): PageKnowledge => ({ authFailures, clientSecrets: new Map() });

const toolkitNeedsNoCall = (item: PendingItem) => item.credentialSealed === null || item.connectionStatus === 'revoked';

/**
 * What needs no provider call and no decryption: a connection whose credential was already
 * destroyed is not sent again, and an auth config known to be broken fails fast. Null: call.
 */
export function precheck(item: PendingItem, known: PageKnowledge): ItemResult | null {
  if (toolkitNeedsNoCall(item)) return { outcome: 'already_revoked', revokedTokens: [], errorCode: null, errorMessage: null, attempts: 0 };
  const failure = known.authFailures.get(item.authConfigId);
  if (failure) return { outcome: 'failed', revokedTokens: [], errorCode: failure.errorCode, errorMessage: failure.errorMessage, attempts: 0 };
  return null;
}

/**
 * Decides what to do with one connection before any I/O to a provider (see precheck);
 * otherwise the credential and the client secret are opened for the call (the secret once per
 * page: `known` remembers it).
 */
export function decide(item: PendingItem, vault: Vault, known: PageKnowledge): ConnectionDecision {
  const skipped = precheck(item, known);
  if (skipped) return { kind: 'skip', result: skipped };
  const credential = vault.openJson<RevokeRequest['credential']>(item.credentialSealed, item.connectedAccountId);
  const client: RevokeRequest['client'] = {};
  if (item.clientId !== null) client.clientId = item.clientId;
  if (item.clientSecretSealed !== null) client.clientSecret = clientSecretOf(item, vault, known.clientSecrets);
  if (item.revocationEndpoint !== null) client.revocationEndpoint = item.revocationEndpoint;
  if (item.tokenEndpoint !== null) client.tokenEndpoint = item.tokenEndpoint;
  if (item.parameters !== null) client.parameters = item.parameters;
  return { kind: 'call', request: { toolkit: item.toolkit, authScheme: item.authScheme, client, credential } };
}

function clientSecretOf(item: PendingItem, vault: Vault, clientSecrets: Map<string, string>): string {
  const known = clientSecrets.get(item.authConfigId);
  if (known !== undefined) return known;
  const secret = vault.openJson<string>(item.clientSecretSealed, item.authConfigId);
  clientSecrets.set(item.authConfigId, secret);
  return secret;
}

export function toItemResult(result: RevokeResult): ItemResult {
  switch (result.outcome) {
    case 'revoked':
    case 'already_revoked':
      return { outcome: result.outcome, revokedTokens: result.revokedTokens, errorCode: null, errorMessage: null, attempts: result.attempts };
    case 'unsupported_by_provider':
      return { outcome: result.outcome, revokedTokens: [], errorCode: null, errorMessage: result.reason, attempts: 0 };
    case 'failed':
      return { outcome: 'failed', revokedTokens: [], errorCode: result.errorCode, errorMessage: result.errorMessage, attempts: result.attempts };
  }
}
