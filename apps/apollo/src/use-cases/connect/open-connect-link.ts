import { pushAuthorizationRequest } from '@at/providers';
import type { ApolloContext } from '../../context';
import { connectCallOptions } from './connect-call-options';
import { findClientSecretSealed, findLiveAuthConfig } from '../../repositories/auth-configs';
import { claimForApiKeyForm, claimForAuthorization, failConnectSession, findConnectSessionByToken } from '../../repositories/connect-sessions';
import { authorizationEndpointOf, scopeParameterOf } from './authorization-target';
import { bindingCookie } from './binding-cookie';
import { hashSecret, isOpaqueValue, newPkcePair, newRandomValue } from './connect-secrets';
import { errorRedirect, REFUSALS, type ConnectOutcome } from './connect-outcome';

/** apollo's one OAuth callback; register it at every provider app used for hosted connect. */
export const callbackUrlOf = (ctx: ApolloContext) => `${ctx.publicUrl()}/connect/callback`;

/**
 * The end user opened a connect link. The link works once: opening it claims the session
 * (pending -> authorizing) with a fresh state, a browser binding and a sealed PKCE verifier,
 * then sends the browser to consent (through PAR when the server offers it). An api_key
 * session gets its form instead.
 */
export async function openConnectLink(ctx: ApolloContext, token: string, secure: boolean): Promise<ConnectOutcome> {
  if (!isOpaqueValue(token)) return REFUSALS.invalidLink;
  const session = await findConnectSessionByToken(ctx.db, hashSecret(token));
  if (!session) return REFUSALS.invalidLink;
  if (session.status !== 'pending') return REFUSALS.linkUsed;
  const secondsLeft = Math.floor((session.expiresAt.getTime() - Date.now()) / 1000);
  if (secondsLeft <= 0) return REFUSALS.expired;
  const authConfig = await findLiveAuthConfig(ctx.db, session.projectId, session.authConfigId);
  if (!authConfig) {
    await failConnectSession(ctx.db, session.id, 'auth_config_deleted');
    return errorRedirect(session.redirectUri, 'auth_config_deleted');
  }
  const binding = newRandomValue();
  const cookies = [bindingCookie(session.id, binding.value, secondsLeft, secure)];

  if (authConfig.authScheme === 'api_key') {
    const csrf = newRandomValue();
    if (!(await claimForApiKeyForm(ctx.db, session.id, { csrfHash: csrf.hash, bindingHash: binding.hash }))) return REFUSALS.linkUsed;
    return { kind: 'api_key_form', toolkit: authConfig.toolkit, csrfToken: csrf.value, formTargets: [new URL(session.redirectUri).origin], cookies };
  }

  const endpoint = authorizationEndpointOf(authConfig);
  if (!endpoint || !authConfig.clientId) {
    await failConnectSession(ctx.db, session.id, 'provider_error');
    return errorRedirect(session.redirectUri, 'provider_error');
  }
  const state = newRandomValue();
  const pkce = newPkcePair();
  const claimed = await claimForAuthorization(ctx.db, session.id, {
    stateHash: state.hash,
    bindingHash: binding.hash,
    codeVerifierSealed: ctx.vault.sealJson(pkce.verifier, session.id),
  });
  if (!claimed) return REFUSALS.linkUsed;

  const scope = scopeParameterOf(authConfig);
  const params: Record<string, string> = {
    ...(authConfig.authorizeParams ?? {}),
    response_type: 'code',
    client_id: authConfig.clientId,
    redirect_uri: callbackUrlOf(ctx),
    state: state.value,
    code_challenge: pkce.challenge,
    code_challenge_method: 'S256',
    ...(scope === undefined ? {} : { scope }),
  };
  const target = new URL(endpoint);
  if (authConfig.parEndpoint) {
    const sealed = await findClientSecretSealed(ctx.db, authConfig.id);
    const clientSecret = sealed === null ? undefined : ctx.vault.openJson<string>(sealed, authConfig.id);
    const pushed = await pushAuthorizationRequest(
      { parEndpoint: authConfig.parEndpoint, client: { clientId: authConfig.clientId, clientSecret, tokenEndpointAuthMethod: authConfig.tokenEndpointAuthMethod }, params },
      connectCallOptions(ctx),
    );
    if (pushed.kind === 'failed') {
      ctx.logger.warn('connect: pushed authorization request failed', { connect_session_id: session.id, error_code: pushed.errorCode });
      await failConnectSession(ctx.db, session.id, 'provider_error');
      return errorRedirect(session.redirectUri, 'provider_error');
    }
    target.searchParams.set('client_id', authConfig.clientId);
    target.searchParams.set('request_uri', pushed.requestUri);
  } else {
    for (const [name, value] of Object.entries(params)) target.searchParams.set(name, value);
  }
  ctx.logger.info('connect: sent to consent', { connect_session_id: session.id, auth_config_id: authConfig.id, pushed: authConfig.parEndpoint !== null });
  return { kind: 'redirect', location: target.toString(), cookies };
}
