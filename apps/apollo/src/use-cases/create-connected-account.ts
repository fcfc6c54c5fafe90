import { newId, NotFoundError } from '@at/common';
import type { Credential } from '@at/providers';
import type { ProjectCaller } from '../auth/authenticators';
import type { ApolloContext } from '../context';
import { findLiveAuthConfig } from '../repositories/auth-configs';
import { insertConnectedAccount, type ConnectedAccountRecord } from '../repositories/connected-accounts';
import { assertCredentialFits, storedCredentialOf } from './credential-rules';

/** `credential` is sealed as is: the revocation worker opens it as a @at/providers Credential. */
export type ConnectedAccountInput = { authConfigId: string; userId: string; credential: Credential };

/**
 * Connects an end user under a live auth config of the caller's project. The account and its
 * credential (sealed to the account id) are written together, with its
 * `connected_account.created` event in the same transaction (insertConnectedAccount).
 */
export async function createConnectedAccount(ctx: ApolloContext, caller: ProjectCaller, input: ConnectedAccountInput): Promise<ConnectedAccountRecord> {
  const authConfig = await findLiveAuthConfig(ctx.db, caller.projectId, input.authConfigId);
  if (!authConfig) throw new NotFoundError('auth config');
  assertCredentialFits(authConfig, input.credential);
  const id = newId('ca');
  return insertConnectedAccount(ctx.db, {
    id,
    orgId: authConfig.orgId,
    projectId: authConfig.projectId,
    authConfigId: authConfig.id,
    userId: input.userId,
    credential: storedCredentialOf(ctx.vault, id, input.credential),
  });
}
