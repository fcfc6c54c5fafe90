import { type IncomingMessage, type ServerResponse } from 'node:http';
import { authenticateClient } from './client-auth';
import { readBody, sendJson } from './http-io';
import { type ProviderModel } from './provider-model';

/**
 * The documented answers of the vendors we have adapters for, over the same token state as the
 * RFC 7009 endpoint, so a test can revoke at "GitHub", "Slack" or "Dropbox" and then check
 * which tokens are still live. Each answer cites the page it models.
 */
const BODY_LIMIT_BYTES = 64 * 1024;
const SLACK_ACCESS_TTL_S = 43_200;
const GITHUB_ACCESS_TTL_S = 28_800;
const GITHUB_REFRESH_TTL_S = 15_811_200;
const DROPBOX_ACCESS_TTL_S = 14_400;

function bearerOf(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice(7) : undefined;
}

/** Revocations fail with 503 while `revokeUnavailable` is set (refreshes keep working). */
function revokeUnavailable(res: ServerResponse, model: ProviderModel): boolean {
  if (!model.faults.revokeUnavailable) return false;
  sendJson(res, 503, { error: 'temporarily_unavailable' }, { 'retry-after': '0' });
  return true;
}

/** https://api.slack.com/methods/auth.revoke: 200 always, `ok` says how it went. */
async function slackRevoke(req: IncomingMessage, res: ServerResponse, model: ProviderModel): Promise<void> {
  const form = new URLSearchParams(await readBody(req, BODY_LIMIT_BYTES));
  model.stats.revokeArrived(Date.now());
  if (revokeUnavailable(res, model)) return;
  const token = bearerOf(req) ?? form.get('token');
  if (!token) return sendJson(res, 200, { ok: false, error: 'not_authed' });
  // a workspace that restricts API calls by IP answers invalid_auth to every token
  if (model.faults.slackIpRestricted) return sendJson(res, 200, { ok: false, error: 'invalid_auth' });
  const status = model.tokens.status(token, undefined, 'access');
  model.stats.revokeAnswered(200, status === 'active' ? 'revoked' : 'already_inactive', model.tokens.clientOf(token), token);
  if (status === 'unknown') return sendJson(res, 200, { ok: false, error: 'invalid_auth' });
  if (status === 'inactive') return sendJson(res, 200, { ok: false, error: 'token_revoked' });
  if (status === 'expired') return sendJson(res, 200, { ok: false, error: 'token_expired' });
  // test=1 revokes nothing and says so
  if (form.get('test') === '1' || form.get('test') === 'true') return sendJson(res, 200, { ok: true, revoked: false });
  model.tokens.revokeGrant(token);
  sendJson(res, 200, { ok: true, revoked: true });
}

/** https://docs.slack.dev/authentication/using-token-rotation: a refresh rotates both tokens. */
async function slackRefresh(req: IncomingMessage, res: ServerResponse, model: ProviderModel): Promise<void> {
  const form = new URLSearchParams(await readBody(req, BODY_LIMIT_BYTES));
  const auth = authenticateClient(req.headers.authorization, form, model.clients);
  if (!auth.ok) return sendJson(res, 200, { ok: false, error: auth.description === 'client authentication failed' ? 'bad_client_secret' : 'invalid_client_id' });
  if (form.get('grant_type') !== 'refresh_token') return sendJson(res, 200, { ok: false, error: 'invalid_grant_type' });
  const fresh = model.tokens.refresh(form.get('refresh_token') ?? '', auth.clientId, true);
  if (typeof fresh === 'string') return sendJson(res, 200, { ok: false, error: 'invalid_refresh_token' });
  model.recordRotation(fresh);
  sendJson(res, 200, { ok: true, access_token: fresh.access_token, refresh_token: fresh.refresh_token, expires_in: SLACK_ACCESS_TTL_S, token_type: 'user' });
}

/**
 * https://docs.github.com/en/rest/apps/oauth-applications#delete-an-app-authorization: Basic
 * client auth, 204 when deleted. Anything else is a 404 here, as GitHub answers for a token it
 * does not know, an expired one, or another app's.
 */
async function githubDeleteGrant(req: IncomingMessage, res: ServerResponse, model: ProviderModel, clientId: string): Promise<void> {
  const text = await readBody(req, BODY_LIMIT_BYTES);
  model.stats.revokeArrived(Date.now());
  if (revokeUnavailable(res, model)) return;
  const auth = authenticateClient(req.headers.authorization, new URLSearchParams(), model.clients);
  const notFound = { message: 'Not Found', documentation_url: 'https://docs.github.com/rest/apps/oauth-applications#delete-an-app-authorization', status: '404' };
  if (!auth.ok) return sendJson(res, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' });
  if (auth.clientId !== clientId) return sendJson(res, 404, notFound);
  let token: unknown;
  try {
    token = (JSON.parse(text) as { access_token?: unknown }).access_token;
  } catch {
    return sendJson(res, 400, { message: 'Problems parsing JSON' });
  }
  const status = typeof token === 'string' ? model.tokens.status(token, clientId, 'access') : 'unknown';
  model.stats.revokeAnswered(status === 'active' ? 204 : 404, status === 'active' ? 'revoked' : 'already_inactive', clientId, typeof token === 'string' ? token : undefined);
  if (status !== 'active') return sendJson(res, 404, notFound);
  model.tokens.revokeGrant(token as string);
  res.writeHead(204).end();
}

/**
 * https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/refreshing-user-access-tokens:
 * client id and secret as parameters; errors come back as 200 with an `error` (asked for JSON).
 */
async function githubRefresh(req: IncomingMessage, res: ServerResponse, model: ProviderModel): Promise<void> {
  const form = new URLSearchParams(await readBody(req, BODY_LIMIT_BYTES));
  const clientId = form.get('client_id');
  if (clientId === null || model.clients.get(clientId) !== form.get('client_secret')) {
    return sendJson(res, 200, { error: 'incorrect_client_credentials', error_description: 'The client_id and/or client_secret passed are incorrect.' });
  }
  if (form.get('grant_type') !== 'refresh_token') return sendJson(res, 200, { error: 'unsupported_grant_type' });
  const fresh = model.tokens.refresh(form.get('refresh_token') ?? '', clientId, true);
  if (typeof fresh === 'string') return sendJson(res, 200, { error: 'bad_refresh_token', error_description: 'The refresh token passed is incorrect or expired.' });
  model.recordRotation(fresh);
  sendJson(res, 200, { access_token: fresh.access_token, expires_in: GITHUB_ACCESS_TTL_S, refresh_token: fresh.refresh_token, refresh_token_expires_in: GITHUB_REFRESH_TTL_S, scope: '', token_type: 'bearer' });
}

/** https://www.dropbox.com/developers/documentation/http/documentation#auth-token-revoke */
async function dropboxRevoke(req: IncomingMessage, res: ServerResponse, model: ProviderModel): Promise<void> {
  await readBody(req, BODY_LIMIT_BYTES);
  model.stats.revokeArrived(Date.now());
  if (revokeUnavailable(res, model)) return;
  const token = bearerOf(req);
  const status = token === undefined ? 'unknown' : model.tokens.status(token, undefined, 'access');
  model.stats.revokeAnswered(status === 'active' ? 200 : 401, status === 'active' ? 'revoked' : 'already_inactive', token === undefined ? undefined : model.tokens.clientOf(token), token);
  if (status === 'expired') return sendJson(res, 401, { error_summary: 'expired_access_token/', error: { '.tag': 'expired_access_token' } });
  if (status !== 'active') return sendJson(res, 401, { error_summary: 'invalid_access_token/', error: { '.tag': 'invalid_access_token' } });
  model.tokens.revokeGrant(token as string);
  sendJson(res, 200, null);
}

/** Dropbox's token endpoint: a refresh returns a new access token; the refresh token stays. */
async function dropboxRefresh(req: IncomingMessage, res: ServerResponse, model: ProviderModel): Promise<void> {
  const form = new URLSearchParams(await readBody(req, BODY_LIMIT_BYTES));
  const auth = authenticateClient(req.headers.authorization, form, model.clients);
  if (!auth.ok) return sendJson(res, 400, { error: 'invalid_client', error_description: 'Invalid client_id or client_secret' });
  const fresh = model.tokens.refresh(form.get('refresh_token') ?? '', auth.clientId, false);
  if (typeof fresh === 'string') return sendJson(res, 400, { error: 'invalid_grant', error_description: 'refresh token is invalid or revoked' });
  model.recordRotation(fresh);
  sendJson(res, 200, { access_token: fresh.access_token, token_type: 'bearer', expires_in: DROPBOX_ACCESS_TTL_S });
}

const GITHUB_GRANT = /^\/applications\/([^/]+)\/grant$/;

/** The vendor route for `path`, if there is one. */
export function vendorRoute(method: string | undefined, path: string): ((req: IncomingMessage, res: ServerResponse, model: ProviderModel) => Promise<void>) | undefined {
  if (method === 'POST' && path === '/api/auth.revoke') return slackRevoke;
  if (method === 'POST' && path === '/api/oauth.v2.access') return slackRefresh;
  if (method === 'POST' && path === '/login/oauth/access_token') return githubRefresh;
  if (method === 'POST' && path === '/2/auth/token/revoke') return dropboxRevoke;
  if (method === 'POST' && path === '/oauth2/token') return dropboxRefresh;
  const grant = method === 'DELETE' ? GITHUB_GRANT.exec(path) : null;
  if (grant) {
    let clientId: string;
    try {
      clientId = decodeURIComponent(grant[1] as string);
    } catch {
      return undefined;
    }
    return (req, res, model) => githubDeleteGrant(req, res, model, clientId);
  }
  return undefined;
}
