import { ConflictError, NotFoundError, ValidationError, newId } from '@at/common';
import type { ProjectScope } from '../acting-for-project';
import type { ApolloContext } from '../../context';
import { findLiveAuthConfig } from '../../repositories/auth-configs';
import { insertConnectSession, type ConnectSessionRecord } from '../../repositories/connect-sessions';
import { findLiveConnectedAccount } from '../../repositories/connected-accounts';
import { isAllowedRedirectUri } from '../../repositories/projects';
import { authorizationEndpointOf } from './authorization-target';
import { newConnectLinkToken } from './connect-secrets';

export type ConnectSessionInput = { authConfigId: string; userId: string; redirectUri: string; connectedAccountId?: string | undefined };

/**
 * A single-use connect link for one end user under one auth config of the caller's project; with
 * `connectedAccountId` it is a reconnect of that connection (same id, same user). The link's
 * token is returned once, inside `connect_url`; only its hash is stored.
 */
export async function createConnectSession(ctx: ApolloContext, caller: ProjectScope, input: ConnectSessionInput): Promise<{ session: ConnectSessionRecord; connectUrl: string }> {
  const authConfig = await findLiveAuthConfig(ctx.db, caller.projectId, input.authConfigId);
  if (!authConfig) throw new NotFoundError('auth config');
  if (!(await isAllowedRedirectUri(ctx.db, caller.projectId, input.redirectUri))) {
    throw new ValidationError('redirect_uri is not allowed', [{ path: 'body.redirect_uri', message: "must equal one of the project's allowed_redirect_uris exactly" }]);
  }
  if (authConfig.authScheme === 'oauth2') {
    if (!authConfig.clientId) throw new ValidationError('the auth config cannot run a connect', [{ path: 'body.auth_config_id', message: 'the auth config has no client_id' }]);
    if (!authorizationEndpointOf(authConfig)) {
      throw new ValidationError('the auth config cannot run a connect', [{ path: 'body.auth_config_id', message: 'the auth config has no authorization_endpoint (set it, or an issuer)' }]);
    }
  }
  if (input.connectedAccountId !== undefined) {
    const account = await findLiveConnectedAccount(ctx.db, caller.projectId, input.connectedAccountId);
    if (!account) throw new NotFoundError('connected account');
    if (account.authConfigId !== authConfig.id) throw new ValidationError('not a reconnect of this auth config', [{ path: 'body.connected_account_id', message: 'the connection belongs to another auth config' }]);
    if (account.userId !== input.userId) throw new ValidationError('not a reconnect of this user', [{ path: 'body.user_id', message: "must be the connection's user_id" }]);
    if (account.status === 'revoking' || account.status === 'revoked') throw new ConflictError('connection_revoked', `the connection is ${account.status}: connect the end user again instead`);
  }
  const { token, tokenHash } = newConnectLinkToken();
  const session = await insertConnectSession(ctx.db, {
    id: newId('cs'),
    orgId: caller.orgId,
    projectId: caller.projectId,
    authConfigId: authConfig.id,
    userId: input.userId,
    redirectUri: input.redirectUri,
    connectedAccountId: input.connectedAccountId ?? null,
    tokenHash,
    ttlSeconds: ctx.env.CONNECT_SESSION_TTL_SECONDS,
  });
  return { session, connectUrl: `${ctx.publicUrl()}/connect/${token}` };
}
