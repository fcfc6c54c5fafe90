import { ValidationError } from '@at/common';
import { tokenEndpointOf, type Credential } from '@at/providers';
import type { Vault } from '@at/vault';
import type { AuthConfigRecord } from '../repositories/auth-configs';

const CREDENTIAL_FIELDS = { oauth2: 'access_token', api_key: 'api_key' } as const;

/**
 * What a credential must satisfy under its auth config, on connect and on replace: the kind the
 * auth config takes, and a refresh token only where there is a token endpoint to refresh it at
 * (the auth config's token_endpoint or the toolkit's built-in one): otherwise it could never be
 * used, and the connection would fail at its first expiry instead of now.
 */
export function assertCredentialFits(authConfig: AuthConfigRecord, credential: Credential, field = 'body.credentials'): void {
  if (authConfig.authScheme !== credential.type) {
    throw new ValidationError('credential kind does not match the auth config', [
      { path: field, message: `auth config uses auth_scheme ${authConfig.authScheme}: send ${CREDENTIAL_FIELDS[authConfig.authScheme]}` },
    ]);
  }
  const client = { ...(authConfig.tokenEndpoint === null ? {} : { tokenEndpoint: authConfig.tokenEndpoint }), ...(authConfig.parameters ? { parameters: authConfig.parameters } : {}) };
  if (credential.type === 'oauth2' && credential.refresh_token !== undefined && tokenEndpointOf(authConfig.toolkit, client) === undefined) {
    throw new ValidationError('the credential cannot be refreshed under this auth config', [
      { path: `${field}.refresh_token`, message: `the auth config has no token_endpoint to refresh it at (required for toolkit ${authConfig.toolkit} when connections carry a refresh token)` },
    ]);
  }
}

/** The credential as stored: sealed to its connection, its expiry, and whether refresh ahead looks at it. */
export function storedCredentialOf(vault: Vault, connectedAccountId: string, credential: Credential): { sealed: ReturnType<Vault['sealJson']>; expiresAt: Date | null; refreshable: boolean } {
  const expiresAt = credential.type === 'oauth2' && credential.expires_at !== undefined ? new Date(credential.expires_at) : null;
  return {
    sealed: vault.sealJson(credential, connectedAccountId),
    expiresAt,
    refreshable: credential.type === 'oauth2' && credential.refresh_token !== undefined && expiresAt !== null,
  };
}
