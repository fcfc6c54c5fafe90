import type { ApolloContext } from '../../context';
import { findLiveAuthConfig } from '../../repositories/auth-configs';
import { isLiveProject } from '../../repositories/projects';
import { claimForCompletion, completeConnectSession, failConnectSession, findConnectSessionByToken } from '../../repositories/connect-sessions';
import { clearedBindingCookie } from './binding-cookie';
import { hashSecret, isOpaqueValue } from './connect-secrets';
import { errorRedirect, refused, REFUSALS, successRedirect, type ConnectOutcome } from './connect-outcome';
import { persistConnection } from './persist-connection';

const MAX_API_KEY = 4096;

/**
 * The api-key form was submitted: from the browser that opened the link (binding cookie) and
 * with the form's CSRF token, once. A malformed key is refused without using up the link.
 */
export async function submitApiKey(
  ctx: ApolloContext,
  token: string,
  form: { csrf_token?: unknown; api_key?: unknown },
  cookieOf: (sessionId: string) => string | undefined,
  secure: boolean,
): Promise<ConnectOutcome> {
  if (!isOpaqueValue(token)) return REFUSALS.invalidLink;
  const session = await findConnectSessionByToken(ctx.db, hashSecret(token));
  if (!session) return REFUSALS.invalidLink;
  if (session.status !== 'authorizing' || session.csrfHash === null) return REFUSALS.linkUsed;
  if (session.expiresAt.getTime() <= Date.now()) {
    await failConnectSession(ctx.db, session.id, 'expired');
    return REFUSALS.expired;
  }
  const binding = cookieOf(session.id);
  if (!isOpaqueValue(binding) || session.bindingHash === null || hashSecret(binding) !== session.bindingHash) return REFUSALS.browserMismatch;
  if (!isOpaqueValue(form.csrf_token) || hashSecret(form.csrf_token) !== session.csrfHash) return refused(403, 'csrf_token_invalid', 'The form could not be verified; nothing was connected. Open the link again.');
  const apiKey = typeof form.api_key === 'string' ? form.api_key.trim() : '';
  if (apiKey.length === 0 || apiKey.length > MAX_API_KEY || /\p{Cc}/u.test(apiKey)) return refused(400, 'invalid_api_key', 'That does not look like an API key. Go back and paste it again.');
  if (!(await claimForCompletion(ctx.db, session.id))) return REFUSALS.linkUsed;
  const gone = !(await findLiveAuthConfig(ctx.db, session.projectId, session.authConfigId)) ? 'auth_config_deleted' : !(await isLiveProject(ctx.db, session.projectId)) ? 'project_deleted' : undefined;
  if (gone) {
    await failConnectSession(ctx.db, session.id, gone);
    return { ...errorRedirect(session.redirectUri, gone), cookies: [clearedBindingCookie(session.id, secure)] } as ConnectOutcome;
  }

  const persisted = await persistConnection(ctx, session, { type: 'api_key', api_key: apiKey }, null);
  const cookies = [clearedBindingCookie(session.id, secure)];
  if (persisted.kind === 'error') {
    await failConnectSession(ctx.db, session.id, persisted.code);
    return { ...errorRedirect(session.redirectUri, persisted.code), cookies } as ConnectOutcome;
  }
  await completeConnectSession(ctx.db, session.id, persisted.connectedAccountId);
  ctx.logger.info('connect completed', { connect_session_id: session.id, connected_account_id: persisted.connectedAccountId, reconnect: session.connectedAccountId !== null });
  return { ...successRedirect(session.redirectUri, persisted.connectedAccountId), cookies } as ConnectOutcome;
}
