import { createRevoker, exchangeAuthorizationCode, fetchSubject, tokenEndpointOf, type OAuthCredential } from '@at/providers';
import type { ApolloContext } from '../../context';
import { connectCallOptions } from './connect-call-options';
import { findClientSecretSealed, findLiveAuthConfig, type AuthConfigRecord } from '../../repositories/auth-configs';
import { isLiveProject } from '../../repositories/projects';
import { claimForCompletion, completeConnectSession, failConnectSession, findConnectSessionByState, type ConnectSessionRecord } from '../../repositories/connect-sessions';
import { clearedBindingCookie } from './binding-cookie';
import { hashSecret, isOpaqueValue } from './connect-secrets';
import { errorRedirect, REFUSALS, successRedirect, type ConnectErrorCode, type ConnectOutcome } from './connect-outcome';
import { callbackUrlOf } from './open-connect-link';
import { persistConnection } from './persist-connection';

/** The authorization response (RFC 6749 section 4.1.2), as the browser brought it back. */
export type CallbackQuery = { state?: unknown; code?: unknown; error?: unknown; iss?: unknown };

const MAX_CODE_LENGTH = 2048;

/**
 * The provider sent the end user back. The state must be one we issued, not used yet, not
 * expired, and brought by the browser that opened the link; the session is then claimed exactly
 * once (authorizing -> in_progress). After that every outcome goes back to the platform's
 * redirect_uri: `iss` checked (RFC 9207, mix-up), consent denied or a provider error, the code
 * exchanged with its PKCE verifier, the subject checked on a reconnect, the tokens sealed.
 */
export async function completeAuthorization(ctx: ApolloContext, query: CallbackQuery, cookieOf: (sessionId: string) => string | undefined, secure: boolean): Promise<ConnectOutcome> {
  if (!isOpaqueValue(query.state)) return REFUSALS.invalidState;
  const session = await findConnectSessionByState(ctx.db, hashSecret(query.state));
  if (!session || session.status !== 'authorizing') return REFUSALS.invalidState;
  if (session.expiresAt.getTime() <= Date.now()) {
    await failConnectSession(ctx.db, session.id, 'expired');
    return REFUSALS.expired;
  }
  const binding = cookieOf(session.id);
  if (!isOpaqueValue(binding) || session.bindingHash === null || hashSecret(binding) !== session.bindingHash) return REFUSALS.browserMismatch;
  if (!(await claimForCompletion(ctx.db, session.id))) return REFUSALS.invalidState;

  const outcome = await finish(ctx, session, query);
  const cookies = [clearedBindingCookie(session.id, secure)];
  if (outcome.kind === 'error') {
    await failConnectSession(ctx.db, session.id, outcome.code);
    ctx.logger.warn('connect failed', { connect_session_id: session.id, error_code: outcome.code, ...(outcome.detail ? { provider_error_code: outcome.detail } : {}) });
    return { ...errorRedirect(session.redirectUri, outcome.code), cookies } as ConnectOutcome;
  }
  await completeConnectSession(ctx.db, session.id, outcome.connectedAccountId);
  ctx.logger.info('connect completed', { connect_session_id: session.id, connected_account_id: outcome.connectedAccountId, reconnect: session.connectedAccountId !== null });
  return { ...successRedirect(session.redirectUri, outcome.connectedAccountId), cookies } as ConnectOutcome;
}

type Finished = { kind: 'connected'; connectedAccountId: string } | { kind: 'error'; code: ConnectErrorCode; detail?: string };

async function finish(ctx: ApolloContext, session: ConnectSessionRecord, query: CallbackQuery): Promise<Finished> {
  const authConfig = await findLiveAuthConfig(ctx.db, session.projectId, session.authConfigId);
  if (!authConfig || !authConfig.clientId) return { kind: 'error', code: 'auth_config_deleted' };
  // a connection made under a project or org deleted meanwhile would only wait for the sweep
  if (!(await isLiveProject(ctx.db, session.projectId))) return { kind: 'error', code: 'project_deleted' };
  // RFC 9207: checked before anything else in the response is believed, errors included
  const iss = typeof query.iss === 'string' ? query.iss : undefined;
  if (iss !== undefined ? authConfig.issuer !== null && iss !== authConfig.issuer : authConfig.issParameterSupported) return { kind: 'error', code: 'issuer_mismatch' };
  if (query.error !== undefined) return { kind: 'error', code: query.error === 'access_denied' ? 'access_denied' : 'provider_error' };
  if (typeof query.code !== 'string' || query.code.length === 0 || query.code.length > MAX_CODE_LENGTH) return { kind: 'error', code: 'provider_error' };

  const codeVerifier = ctx.vault.openJson<string>(session.codeVerifierSealed, session.id);
  const client = await clientOf(ctx, authConfig);
  const tokenEndpoint = tokenEndpointOf(
    authConfig.toolkit,
    { ...(authConfig.tokenEndpoint === null ? {} : { tokenEndpoint: authConfig.tokenEndpoint }), ...(authConfig.parameters ? { parameters: authConfig.parameters } : {}), ...(authConfig.clientId ? { clientId: authConfig.clientId } : {}) },
    ctx.env.PROVIDER_BASE_URLS,
  );
  if (!tokenEndpoint) return { kind: 'error', code: 'token_exchange_failed', detail: 'missing_token_endpoint' };
  const exchanged = await exchangeAuthorizationCode(
    { tokenEndpoint, client, code: query.code, redirectUri: callbackUrlOf(ctx), codeVerifier },
    connectCallOptions(ctx),
  );
  if (exchanged.kind === 'failed') return { kind: 'error', code: 'token_exchange_failed', detail: exchanged.errorCode };
  const { token_type: _tokenType, ...credential } = exchanged.credential;

  let subject: string | null = null;
  if (authConfig.userinfoEndpoint) {
    const who = await fetchSubject({ userinfoEndpoint: authConfig.userinfoEndpoint, accessToken: credential.access_token }, connectCallOptions(ctx));
    if (who.kind === 'failed') {
      await revokeUnkept(ctx, authConfig, client, credential);
      return { kind: 'error', code: 'subject_unavailable', detail: who.errorCode };
    }
    subject = who.subject;
  }
  const persisted = await persistConnection(ctx, session, credential, subject);
  if (persisted.kind === 'error') {
    // tokens we will not keep must not stay alive upstream with no copy of them anywhere
    await revokeUnkept(ctx, authConfig, client, credential);
    return persisted;
  }
  return persisted;
}

async function clientOf(ctx: ApolloContext, authConfig: AuthConfigRecord) {
  const sealed = await findClientSecretSealed(ctx.db, authConfig.id);
  return {
    clientId: authConfig.clientId ?? '',
    clientSecret: sealed === null ? undefined : ctx.vault.openJson<string>(sealed, authConfig.id),
    tokenEndpointAuthMethod: authConfig.tokenEndpointAuthMethod,
  };
}

/** Best effort: the outcome the end user sees is already decided; a failure is only logged. */
async function revokeUnkept(ctx: ApolloContext, authConfig: AuthConfigRecord, client: { clientId: string; clientSecret: string | undefined }, credential: OAuthCredential): Promise<void> {
  try {
    const revoker = createRevoker({ baseUrls: ctx.env.PROVIDER_BASE_URLS, timeoutMs: ctx.env.CONNECT_PROVIDER_TIMEOUT_MS, retry: { maxAttempts: 1 }, egress: connectCallOptions(ctx).egress });
    const result = await revoker.revoke({
      toolkit: authConfig.toolkit,
      authScheme: 'oauth2',
      client: {
        clientId: client.clientId,
        ...(client.clientSecret ? { clientSecret: client.clientSecret } : {}),
        ...(authConfig.revocationEndpoint ? { revocationEndpoint: authConfig.revocationEndpoint } : {}),
        ...(authConfig.parameters ? { parameters: authConfig.parameters } : {}),
      },
      credential,
    });
    ctx.logger.info('connect: revoked the tokens it did not keep', { auth_config_id: authConfig.id, outcome: result.outcome });
  } catch (error) {
    ctx.logger.warn('connect: could not revoke the tokens it did not keep', { auth_config_id: authConfig.id, error: error instanceof Error ? error.name : 'unknown' });
  }
}
