import { type IncomingMessage, type ServerResponse } from 'node:http';
import { authenticateClient } from './client-auth';
import { readBody, sendJson } from './http-io';
import { type ProviderModel } from './provider-model';

/**
 * The documented answers of the catalog providers whose revocation departs from RFC 7009
 * (packages/providers/catalog/<slug>.json: revocation, errors, quirks), over the same token
 * state as every other endpoint, so a test can revoke at "Linear" or "Zendesk" and then check
 * which tokens are still live. Faults: `vendorRateLimited` (each answers its own rate-limit
 * shape), `revokeUnavailable` (503), `zendeskRevokeIgnored` (204 while the token keeps working),
 * `sendgridKeyLacksPermission` (403 to a key's self-deletion).
 */
type Handler = (req: IncomingMessage, res: ServerResponse, model: ProviderModel) => Promise<void>;

const BODY_LIMIT_BYTES = 64 * 1024;
const ACCESS_TTL_S = 3600;

function bearerOf(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice(7) : undefined;
}

/** The faults every modelled revocation honours first; true when it has answered. */
function faulted(res: ServerResponse, model: ProviderModel, rateLimited: () => void): boolean {
  if (model.faults.revokeUnavailable) {
    sendJson(res, 503, { error: 'temporarily_unavailable' }, { 'retry-after': '0' });
    return true;
  }
  if (model.faults.vendorRateLimited) {
    rateLimited();
    return true;
  }
  return false;
}

function noContent(res: ServerResponse, status = 204): void {
  res.writeHead(status).end();
}

/** Revokes what an active access token's revocation ends: its grant, or the token alone. */
function revokeAccess(model: ProviderModel, token: string, scope: 'grant' | 'token'): void {
  if (scope === 'grant') model.tokens.revokeGrant(token);
  else model.tokens.revoke(token, model.tokens.clientOf(token) ?? '');
}

/** A revocation authenticated by the access token it revokes (Linear, Strava, Shopify, Zendesk). */
function tokenAuthenticated(options: {
  tokenOf: (req: IncomingMessage) => string | undefined;
  scope: 'grant' | 'token';
  dead: (res: ServerResponse) => void;
  rateLimited: (res: ServerResponse) => void;
  success: (res: ServerResponse) => void;
  /** Answer success without revoking (Zendesk's quirk). */
  ignored?: (model: ProviderModel) => boolean;
}): Handler {
  return async (req, res, model) => {
    await readBody(req, BODY_LIMIT_BYTES);
    model.stats.revokeArrived(Date.now());
    if (faulted(res, model, () => options.rateLimited(res))) return;
    const token = options.tokenOf(req);
    const status = token === undefined ? 'unknown' : model.tokens.status(token, undefined, 'access');
    model.stats.revokeAnswered(status === 'active' ? 200 : 401, status === 'active' ? 'revoked' : 'already_inactive', token === undefined ? undefined : model.tokens.clientOf(token), token);
    if (status !== 'active') return options.dead(res);
    if (!options.ignored?.(model)) revokeAccess(model, token as string, options.scope);
    options.success(res);
  };
}

// https://developers.linear.app/docs/oauth/authentication: POST /oauth/revoke with the token;
// GraphQL-shaped errors, and rate limiting as a 400 carrying RATELIMITED
const linearRevoke = tokenAuthenticated({
  tokenOf: bearerOf,
  scope: 'grant',
  dead: (res) => sendJson(res, 401, { errors: [{ message: 'Authentication required, not authenticated', extensions: { code: 'AUTHENTICATION_ERROR' } }] }),
  rateLimited: (res) => sendJson(res, 400, { errors: [{ message: 'Rate limit exceeded', extensions: { code: 'RATELIMITED' } }] }),
  success: (res) => sendJson(res, 200, {}),
});

// https://developers.strava.com/docs/authentication/#deauthorization
const stravaDeauthorize = tokenAuthenticated({
  tokenOf: bearerOf,
  scope: 'grant',
  dead: (res) => sendJson(res, 401, { message: 'Authorization Error', errors: [{ resource: 'Athlete', field: 'access_token', code: 'invalid' }] }),
  rateLimited: (res) => sendJson(res, 429, { message: 'Rate Limit Exceeded', errors: [{ resource: 'Application', field: 'rate limit', code: 'exceeded' }] }),
  success: (res) => sendJson(res, 200, { access_token: 'deauthorized' }),
});

// https://shopify.dev/docs/apps/build/authentication-authorization/app-installation/uninstall-app-api-request:
// the token in X-Shopify-Access-Token; Retry-After is a decimal ("2.0")
const shopifyUninstall = tokenAuthenticated({
  tokenOf: (req) => {
    const header = req.headers['x-shopify-access-token'];
    return typeof header === 'string' ? header : undefined;
  },
  scope: 'grant',
  dead: (res) => sendJson(res, 401, { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' }),
  rateLimited: (res) => sendJson(res, 429, { errors: 'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.' }, { 'retry-after': '2.0' }),
  success: (res) => sendJson(res, 200, {}),
});

// https://developer.zendesk.com/api-reference/ticketing/oauth/oauth_tokens/#revoke-token: 204,
// the token alone; with zendeskRevokeIgnored the 204 comes while the token keeps working
const zendeskRevoke = tokenAuthenticated({
  tokenOf: bearerOf,
  scope: 'token',
  dead: (res) => sendJson(res, 401, { error: 'invalid_token', error_description: 'The access token provided is expired, revoked, malformed or invalid for other reasons.' }),
  rateLimited: (res) => sendJson(res, 429, { error: 'TooManyRequests' }, { 'retry-after': '0' }),
  success: (res) => noContent(res),
  ignored: (model) => model.faults.zendeskRevokeIgnored,
});

/** GET tokens/current.json: the token's own record while it works, 401 once it is dead. */
const zendeskCurrent: Handler = async (req, res, model) => {
  await readBody(req, BODY_LIMIT_BYTES);
  const token = bearerOf(req);
  if (token === undefined || model.tokens.status(token, undefined, 'access') !== 'active') return sendJson(res, 401, { error: 'invalid_token' });
  sendJson(res, 200, { token: { id: 1, client_id: 1, scopes: ['read'] } });
};

// https://developer.intuit.com/app/developer/qbo/docs/develop/authentication-and-authorization/oauth-2.0#revoke-token-disconnect:
// Basic client auth, JSON {"token"}; either token ends the grant
const intuitRevoke: Handler = async (req, res, model) => {
  const text = await readBody(req, BODY_LIMIT_BYTES);
  model.stats.revokeArrived(Date.now());
  if (faulted(res, model, () => noContent(res, 429))) return;
  const auth = authenticateClient(req.headers.authorization, new URLSearchParams(), model.clients);
  if (!auth.ok) return sendJson(res, 401, { error: 'invalid_client' });
  let token: unknown;
  try {
    token = (JSON.parse(text) as { token?: unknown }).token;
  } catch {
    return sendJson(res, 400, { error: 'invalid_request' });
  }
  const status = typeof token === 'string' ? model.tokens.status(token, auth.clientId) : 'unknown';
  model.stats.revokeAnswered(status === 'active' ? 200 : 400, status === 'active' ? 'revoked' : 'already_inactive', auth.clientId, typeof token === 'string' ? token : undefined);
  // an expired access token still names its grant; a dead one does not
  if (status !== 'active' && status !== 'expired') return sendJson(res, 400, { error: 'invalid_grant' });
  model.tokens.revokeGrant(token as string);
  noContent(res, 200);
};

// https://developers.miro.com/reference/revoke-token-v2: JSON {access_token, clientId, clientSecret}
const miroRevoke: Handler = async (req, res, model) => {
  const text = await readBody(req, BODY_LIMIT_BYTES);
  model.stats.revokeArrived(Date.now());
  if (faulted(res, model, () => sendJson(res, 429, { type: 'error', status: 429, code: 'tooManyRequests', message: 'Too many requests' }))) return;
  let body: { access_token?: unknown; clientId?: unknown; clientSecret?: unknown };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    return sendJson(res, 400, { type: 'error', status: 400, code: 'invalidParameters', message: 'body is not JSON' });
  }
  if (typeof body.clientId !== 'string' || model.clients.get(body.clientId) !== body.clientSecret) return sendJson(res, 401, { error: 'invalid_client' });
  if (typeof body.access_token !== 'string') return sendJson(res, 400, { type: 'error', status: 400, code: 'tokenNotProvided', message: 'Token not provided' });
  const status = model.tokens.status(body.access_token, body.clientId, 'access');
  model.stats.revokeAnswered(status === 'active' ? 204 : 400, status === 'active' ? 'revoked' : 'already_inactive', body.clientId, body.access_token);
  if (status !== 'active') return sendJson(res, 400, { type: 'error', status: 400, code: 'invalidToken', message: 'Token is invalid' });
  model.tokens.revokeGrant(body.access_token);
  noContent(res);
};

// https://www.zoho.com/accounts/protocol/oauth/revoke-refresh-token.html: the refresh token in
// the query string; too many requests is a 400 "Access Denied"
const zohoRevoke: Handler = async (req, res, model) => {
  await readBody(req, BODY_LIMIT_BYTES);
  model.stats.revokeArrived(Date.now());
  if (faulted(res, model, () => sendJson(res, 400, { error_description: 'You have made too many requests continuously. Please try again after some time.', error: 'Access Denied', status: 'failure' }))) return;
  const token = new URL(req.url ?? '/', 'http://x').searchParams.get('token');
  const status = token === null ? 'unknown' : model.tokens.status(token, undefined, 'refresh');
  model.stats.revokeAnswered(status === 'active' ? 200 : 400, status === 'active' ? 'revoked' : 'already_inactive', token === null ? undefined : model.tokens.clientOf(token), token ?? undefined);
  if (status !== 'active') return sendJson(res, 400, { error: 'invalid_token' });
  model.tokens.revokeGrant(token as string);
  sendJson(res, 200, { status: 'success' });
};

/**
 * https://docs.stripe.com/connect/oauth-reference#post-deauthorize: the platform's secret key,
 * form client_id + stripe_user_id. Here a connected account's id is `acct_<its access token>`.
 */
const stripeDeauthorize: Handler = async (req, res, model) => {
  const form = new URLSearchParams(await readBody(req, BODY_LIMIT_BYTES));
  model.stats.revokeArrived(Date.now());
  if (faulted(res, model, () => sendJson(res, 429, { error: { type: 'rate_limit', message: 'Too many requests' } }, { 'retry-after': '0' }))) return;
  const clientId = form.get('client_id') ?? '';
  const key = bearerOf(req);
  const secret = model.clients.get(clientId);
  if (key === undefined || ![...model.clients.values()].includes(key)) {
    return sendJson(res, 401, { error: { type: 'invalid_request_error', message: `Invalid API Key provided: ${key === undefined ? '' : `${key.slice(0, 3)}****`}` } });
  }
  if (secret === undefined || secret !== key) return sendJson(res, 401, { error: 'invalid_client', error_description: `No such application: '${clientId}'` });
  const account = form.get('stripe_user_id') ?? '';
  const token = account.startsWith('acct_') ? account.slice(5) : '';
  const status = model.tokens.status(token, clientId, 'access');
  model.stats.revokeAnswered(status === 'active' ? 200 : 401, status === 'active' ? 'revoked' : 'already_inactive', clientId, token);
  if (status !== 'active' && status !== 'expired') return sendJson(res, 401, { error: 'invalid_client', error_description: `No such application: '${clientId}' is not connected to stripe account ${account}` });
  model.tokens.revokeGrant(token);
  sendJson(res, 200, { stripe_user_id: account });
};

// https://help.salesforce.com/s/articleView?id=sf.remoteaccess_revoke_token.htm: RFC 7009's form,
// but a dead token is a 400 invalid_token (not 200); limits are a 403 REQUEST_LIMIT_EXCEEDED
const salesforceRevoke: Handler = async (req, res, model) => {
  const form = new URLSearchParams(await readBody(req, BODY_LIMIT_BYTES));
  model.stats.revokeArrived(Date.now());
  if (faulted(res, model, () => sendJson(res, 403, [{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }]))) return;
  const token = form.get('token') ?? '';
  const status = model.tokens.status(token);
  model.stats.revokeAnswered(status === 'active' ? 200 : 400, status === 'active' ? 'revoked' : 'already_inactive', model.tokens.clientOf(token), token);
  if (status !== 'active') return sendJson(res, 400, { error: 'invalid_token', error_description: 'invalid token' });
  revokeAccess(model, token, model.tokens.status(token, undefined, 'refresh') === 'active' ? 'grant' : 'token');
  sendJson(res, 200, {});
};

/**
 * https://www.twilio.com/docs/sendgrid/api-reference/api-keys/delete-api-keys: a key deletes
 * itself (DELETE /v3/api_keys/{id}, authenticated by the key). Here a key is
 * `SG.<access token>.<anything>`: its id is an issued access token, which the delete kills.
 * With `sendgridKeyLacksPermission` the key has no api_keys permission: 403, the key lives on.
 */
async function sendgridDeleteKey(req: IncomingMessage, res: ServerResponse, model: ProviderModel, id: string): Promise<void> {
  await readBody(req, BODY_LIMIT_BYTES);
  model.stats.revokeArrived(Date.now());
  if (faulted(res, model, () => sendJson(res, 429, { errors: [{ field: null, message: 'too many requests' }] }))) return;
  const key = bearerOf(req) ?? '';
  const keyId = /^SG\.([^.]+)\./.exec(key)?.[1];
  const status = keyId === undefined ? 'unknown' : model.tokens.status(keyId, undefined, 'access');
  if (status !== 'active') return sendJson(res, 401, { errors: [{ field: null, message: 'authorization required' }] });
  if (model.faults.sendgridKeyLacksPermission) return sendJson(res, 403, { errors: [{ field: null, message: 'access forbidden' }] });
  if (keyId !== id) return sendJson(res, 404, { errors: [{ field: null, message: 'unable to find API Key' }] });
  model.stats.revokeAnswered(204, 'revoked', model.tokens.clientOf(keyId), keyId);
  model.tokens.revoke(keyId, model.tokens.clientOf(keyId) ?? '');
  noContent(res);
}

/** The refresh_token grant as RFC 6749 section 6 has it (Basic or post), rotating: each vendor's token endpoint path. */
const rotatingRefresh: Handler = async (req, res, model) => {
  const form = new URLSearchParams(await readBody(req, BODY_LIMIT_BYTES));
  const auth = authenticateClient(req.headers.authorization, form, model.clients);
  if (!auth.ok) return sendJson(res, 401, { error: 'invalid_client' });
  if (form.get('grant_type') !== 'refresh_token') return sendJson(res, 400, { error: 'unsupported_grant_type' });
  const fresh = model.tokens.refresh(form.get('refresh_token') ?? '', auth.clientId, true);
  if (typeof fresh === 'string') return sendJson(res, 400, { error: 'invalid_grant' });
  model.recordRotation(fresh);
  sendJson(res, 200, { ...fresh, token_type: 'Bearer', expires_in: ACCESS_TTL_S });
};

const ROUTES: Record<string, Handler> = {
  'POST /oauth/revoke': linearRevoke,
  'POST /oauth/token': rotatingRefresh,
  // Stripe Connect and Strava share the path: Stripe's call is the one with a form body
  'POST /oauth/deauthorize': async (req, res, model) => ((req.headers['content-type'] ?? '').includes('form') ? stripeDeauthorize : stravaDeauthorize)(req, res, model),
  'POST /api/v3/oauth/token': rotatingRefresh,
  'DELETE /admin/api_permissions/current.json': shopifyUninstall,
  'POST /admin/oauth/access_token': rotatingRefresh,
  'DELETE /api/v2/oauth/tokens/current.json': zendeskRevoke,
  'GET /api/v2/oauth/tokens/current.json': zendeskCurrent,
  'POST /oauth/tokens': rotatingRefresh,
  'POST /v2/oauth2/tokens/revoke': intuitRevoke,
  'POST /oauth2/v1/tokens/bearer': rotatingRefresh,
  'POST /v2/oauth/revoke': miroRevoke,
  'POST /v1/oauth/token': rotatingRefresh,
  'POST /oauth/v2/token/revoke': zohoRevoke,
  'POST /oauth/v2/token': rotatingRefresh,
  'POST /services/oauth2/revoke': salesforceRevoke,
  'POST /services/oauth2/token': rotatingRefresh,
};

const SENDGRID_KEY = /^\/v3\/api_keys\/([A-Za-z0-9_-]+)$/;

/** The catalog vendor route for `method` and `path`, if there is one. */
export function catalogVendorRoute(method: string | undefined, path: string): Handler | undefined {
  const key = method === 'DELETE' ? SENDGRID_KEY.exec(path)?.[1] : undefined;
  if (key !== undefined) return (req, res, model) => sendgridDeleteKey(req, res, model, key);
  return ROUTES[`${method ?? ''} ${path}`];
}
