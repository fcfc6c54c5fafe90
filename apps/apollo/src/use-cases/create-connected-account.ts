import { newId, NotFoundError, ValidationError } from '@at/common';
import type { Credential } from '@at/providers';
import type { ProjectCaller } from '../auth/authenticators';
import type { ApolloContext } from '../context';
import { findLiveAuthConfig } from '../repositories/auth-configs';
import { insertConnectedAccount, type ConnectedAccountRecord } from '../repositories/connected-accounts';

/** `credential` is sealed as is: the revocation worker opens it as a @at/providers Credential. */
export type ConnectedAccountInput = { authConfigId: string; userId: string; credential: Credential };

const CREDENTIAL_FIELDS = { oauth2: 'access_token', api_key: 'api_key' } as const;

/**
 * Connects an end user under a live auth config of the caller's project. The account and its
 * credential (sealed to the account id) are written together.
 */
export async function createConnectedAccount(ctx: ApolloContext, caller: ProjectCaller, input: ConnectedAccountInput): Promise<ConnectedAccountRecord> {
  const authConfig = await findLiveAuthConfig(ctx.db, caller.projectId, input.authConfigId);
  if (!authConfig) throw new NotFoundError('auth config');
  if (authConfig.authScheme !== input.credential.type) {
    throw new ValidationError('credential kind does not match the auth config', [
      { path: 'body.credentials', message: `auth config uses auth_scheme ${authConfig.authScheme}: send ${CREDENTIAL_FIELDS[authConfig.authScheme]}` },
    ]);
  }
  const id = newId('ca');
  const expiresAt = input.credential.type === 'oauth2' && input.credential.expires_at !== undefined ? new Date(input.credential.expires_at) : null;
  return insertConnectedAccount(ctx.db, {
    id,
    orgId: authConfig.orgId,
    projectId: authConfig.projectId,
    authConfigId: authConfig.id,
    userId: input.userId,
    credential: { sealed: ctx.vault.sealJson(input.credential, id), expiresAt },
  });
}
