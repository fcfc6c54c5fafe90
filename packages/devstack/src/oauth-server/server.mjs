// A real OAuth 2.0 authorization server (panva's oidc-provider 9) on loopback, for end-to-end tests.
// Tokens are minted through the provider's own models, so they are revoked (RFC 7009,
// /token/revocation) and introspected (RFC 7662, /token/introspection) by its standard endpoints.
//
// Plain ESM with no build step because oidc-provider is ESM-only and the repo is CommonJS.
// Started by ./index.ts. Configuration (env, never argv, so secrets stay out of `ps`):
//   OAUTH_SERVER_PORT          port on 127.0.0.1; 0 or unset = random (argv[2] also accepted)
//   OAUTH_SERVER_CLIENTS       JSON [{"client_id": "...", "client_secret": "...", "redirect_uris"?: ["..."]}]
//   OAUTH_SERVER_USERS         JSON [{"username": "...", "password": "..."}]: who can sign in on the
//                              login page (authorization code flow); none: the flow cannot be used
//   OAUTH_SERVER_ADMIN_SECRET  bearer secret guarding the /__test/* endpoints
//   OAUTH_SERVER_ACCESS_TOKEN_TTL  access token lifetime in seconds (default 30 days)
//   OAUTH_SERVER_ROTATE_REFRESH_TOKENS  "true": every refresh issues a new refresh token and
//                              consumes the old one; presenting a consumed one again (reuse)
//                              revokes the whole grant (RFC 9700 section 4.14.2)
// Prints one JSON line {"ready":true,"issuer":...,"port":...} on stdout when listening; every other
// console output goes to stderr. Exits on SIGTERM/SIGINT, and when stdin closes (the parent died).
//
// What revocation does in oidc-provider 9 (lib/actions/revocation.js, lib/helpers/revoke.js):
// - revoking a refresh token destroys it, every other token of its grant (access tokens, refresh
//   tokens, codes) and the Grant itself: the whole authorization dies;
// - revoking an access token also destroys every token of its grant, refresh tokens included
//   (revoke() always runs revokeByGrantId), but keeps the Grant (the default revokeGrantPolicy
//   returns false for access tokens), so a new token could still be minted on that grant;
// - an unknown, expired or already revoked token answers 200 with an empty body (RFC 7009);
// - a token of another client answers 400 invalid_request; bad client credentials 401 invalid_client.
//
// Refresh (lib/actions/grants/refresh_token.js): with rotation on, a refresh consumes the refresh
// token it was given; a consumed one presented again destroys it and revokes the grant
// ("refresh token already used"). oidc-provider checks `consumed` and sets it with awaits in
// between, so two concurrent refreshes of one token could both pass; this server closes that gap
// (the same token presented while its first exchange is in flight is reuse too, and kills the
// grant), so every reuse is caught however it is timed. /__test/stats counts refreshes, reuses
// and the most refreshes of one grant in flight at once; /__test/token-faults delays or fails
// refreshes (a delayed request whose client disconnects is dropped before it is processed).
import { createHash, generateKeyPairSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { Provider, errors } from 'oidc-provider';

const SCOPE = 'openid offline_access';
const DAY = 24 * 60 * 60;
// Long lifetimes: a fault test may run for long and expiry must never pass for revocation.
const TTL = { AccessToken: 30 * DAY, RefreshToken: 365 * DAY, Grant: 365 * DAY, IdToken: 3600, Session: DAY, Interaction: 3600 };
const REFRESH_FORM_LIMIT = 64 * 1024;
const MAX_MINT_PER_REQUEST = 5000;
const MAX_BODY_BYTES = 4 * 1024 * 1024;
const TOKEN_KINDS = new Set(['AccessToken', 'RefreshToken']);

// oidc-provider prints notices with console.info; stdout carries only the ready line.
console.log = console.error;
console.info = console.error;

function readConfig() {
  const port = Number(process.argv[2] ?? process.env.OAUTH_SERVER_PORT ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('OAUTH_SERVER_PORT must be a port number');
  const adminSecret = process.env.OAUTH_SERVER_ADMIN_SECRET ?? '';
  if (adminSecret.length < 16) throw new Error('OAUTH_SERVER_ADMIN_SECRET must be at least 16 characters');
  let clients;
  try {
    clients = JSON.parse(process.env.OAUTH_SERVER_CLIENTS ?? '[]');
  } catch {
    throw new Error('OAUTH_SERVER_CLIENTS must be JSON');
  }
  const valid = Array.isArray(clients) && clients.length > 0
    && clients.every((c) => typeof c?.client_id === 'string' && c.client_id && typeof c.client_secret === 'string' && c.client_secret);
  if (!valid) throw new Error('OAUTH_SERVER_CLIENTS must be a non-empty array of {client_id, client_secret}');
  let users;
  try {
    users = JSON.parse(process.env.OAUTH_SERVER_USERS ?? '[]');
  } catch {
    throw new Error('OAUTH_SERVER_USERS must be JSON');
  }
  if (!Array.isArray(users) || !users.every((u) => typeof u?.username === 'string' && u.username && typeof u.password === 'string' && u.password)) {
    throw new Error('OAUTH_SERVER_USERS must be an array of {username, password}');
  }
  const accessTokenTtl = Number(process.env.OAUTH_SERVER_ACCESS_TOKEN_TTL ?? TTL.AccessToken);
  if (!Number.isInteger(accessTokenTtl) || accessTokenTtl < 1) throw new Error('OAUTH_SERVER_ACCESS_TOKEN_TTL must be a positive number of seconds');
  const rotateRefreshTokens = process.env.OAUTH_SERVER_ROTATE_REFRESH_TOKENS === 'true';
  return { port, adminSecret, clients, users, ttl: { ...TTL, AccessToken: accessTokenTtl }, rotateRefreshTokens };
}

/**
 * Unbounded in-memory adapter. The bundled memory adapter is an LRU of 1000 entries: past a few
 * hundred grants it silently evicts live tokens, which would read as "revoked" in tests.
 * It also keeps tombstones of destroyed token ids so the stats can tell repeated revocations apart.
 */
function createStore() {
  const entries = new Map(); // `${model}:${id}` -> { payload, expiresAt }
  const grants = new Map(); // grantId -> Set of keys
  const uids = new Map(); // session uid -> id
  const userCodes = new Map(); // user code -> id
  const destroyed = new Set(); // ids of destroyed access and refresh tokens

  function get(key) {
    const entry = entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      entries.delete(key);
      return undefined;
    }
    return entry.payload;
  }

  function remove(model, id) {
    const key = `${model}:${id}`;
    const entry = entries.get(key);
    if (!entry) return;
    entries.delete(key);
    if (TOKEN_KINDS.has(model)) destroyed.add(id);
    const { grantId, uid, userCode } = entry.payload;
    if (grantId) grants.get(grantId)?.delete(key);
    if (uid && uids.get(uid) === id) uids.delete(uid);
    if (userCode && userCodes.get(userCode) === id) userCodes.delete(userCode);
  }

  class Adapter {
    constructor(model) {
      this.model = model;
    }

    async upsert(id, payload, expiresIn) {
      remove(this.model, id);
      destroyed.delete(id);
      const key = `${this.model}:${id}`;
      const expiresAt = typeof expiresIn === 'number' ? Date.now() + expiresIn * 1000 : Infinity;
      entries.set(key, { payload, expiresAt });
      if (payload.grantId && this.model !== 'Grant') {
        const members = grants.get(payload.grantId) ?? new Set();
        members.add(key);
        grants.set(payload.grantId, members);
      }
      if (payload.uid) uids.set(payload.uid, id);
      if (payload.userCode) userCodes.set(payload.userCode, id);
    }

    async find(id) {
      return get(`${this.model}:${id}`);
    }

    async findByUid(uid) {
      const id = uids.get(uid);
      return id === undefined ? undefined : this.find(id);
    }

    async findByUserCode(userCode) {
      const id = userCodes.get(userCode);
      return id === undefined ? undefined : this.find(id);
    }

    async consume(id) {
      const payload = get(`${this.model}:${id}`);
      if (payload) payload.consumed = Math.floor(Date.now() / 1000);
    }

    async destroy(id) {
      remove(this.model, id);
    }

    async revokeByGrantId(grantId) {
      const members = grants.get(grantId);
      if (!members) return;
      for (const key of [...members]) {
        if (!key.startsWith(`${this.model}:`)) continue;
        remove(this.model, key.slice(this.model.length + 1));
      }
      if (members.size === 0) grants.delete(grantId);
    }
  }

  /** Every token, code and the Grant itself of one grant (what reuse detection kills). */
  function revokeGrant(grantId) {
    for (const key of [...(grants.get(grantId) ?? [])]) {
      const colon = key.indexOf(':');
      remove(key.slice(0, colon), key.slice(colon + 1));
    }
    grants.delete(grantId);
    remove('Grant', grantId);
  }

  return { Adapter, wasDestroyed: (id) => destroyed.has(id), revokeGrant };
}

/** Counts what reached /token/revocation, so tests can assert how the system called the provider. */
function createStats() {
  const emptyCounts = () => ({ total: 0, revoked: 0, already_revoked: 0, unknown: 0, rejected: 0 });
  let state;
  const reset = () => {
    state = {
      revocation: { ...emptyCounts(), max_per_second: 0, by_status: {}, by_client: {} },
      introspection: { total: 0 },
      refresh: { total: 0, succeeded: 0, reuse_detected: 0, in_flight: 0, max_in_flight_per_grant: 0, by_status: {} },
      seconds: new Map(),
    };
  };
  reset();
  return {
    reset,
    recordIntrospection() {
      state.introspection.total += 1;
    },
    /** outcome: revoked | already_revoked | unknown | rejected */
    recordRevocation(clientId, status, outcome) {
      const r = state.revocation;
      const perClient = (r.by_client[clientId] ??= emptyCounts());
      for (const counts of [r, perClient]) {
        counts.total += 1;
        counts[outcome] += 1;
      }
      r.by_status[status] = (r.by_status[status] ?? 0) + 1;
      const second = Math.floor(Date.now() / 1000);
      const inSecond = (state.seconds.get(second) ?? 0) + 1;
      state.seconds.set(second, inSecond);
      if (inSecond > r.max_per_second) r.max_per_second = inSecond;
    },
    /** A refresh request arrived for `grantId` (undefined when its token is unknown); returns its finisher. */
    refreshStarted(grantId, inFlightOfGrant) {
      const r = state.refresh;
      r.total += 1;
      r.in_flight += 1;
      if (grantId !== undefined && inFlightOfGrant > r.max_in_flight_per_grant) r.max_in_flight_per_grant = inFlightOfGrant;
      let done = false;
      return (status) => {
        if (done) return;
        done = true;
        r.in_flight -= 1;
        const key = String(status);
        r.by_status[key] = (r.by_status[key] ?? 0) + 1;
        if (status === 200) r.succeeded += 1;
      };
    },
    reuseDetected() {
      state.refresh.reuse_detected += 1;
    },
    snapshot() {
      return { revocation: state.revocation, introspection: state.introspection, refresh: state.refresh };
    },
  };
}

/** The client a request claims to be, even when its authentication failed. */
function claimedClientId(ctx) {
  if (ctx.oidc?.client?.clientId) return ctx.oidc.client.clientId;
  const fromParams = ctx.oidc?.params?.client_id;
  if (typeof fromParams === 'string' && fromParams) return fromParams;
  const [scheme, value] = (ctx.headers.authorization ?? '').split(' ');
  if (scheme?.toLowerCase() === 'basic' && value) {
    const basic = Buffer.from(value, 'base64').toString('utf8');
    const colon = basic.indexOf(':');
    if (colon > 0) {
      try {
        return decodeURIComponent(basic.slice(0, colon).replace(/\+/g, '%20'));
      } catch {
        // fall through: an undecodable id is as good as none
      }
    }
  }
  return '(none)';
}

function createProvider(issuer, clients, store, stats, config) {
  const signingKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
  const provider = new Provider(issuer, {
    adapter: store.Adapter,
    jwks: { keys: [{ ...signingKey, use: 'sig', alg: 'ES256' }] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    clients: clients.map(({ client_id, client_secret, redirect_uris }) => ({
      client_id,
      client_secret,
      // client_secret_post is accepted too: oidc-provider takes either form of a client secret
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: Array.isArray(redirect_uris) && redirect_uris.length > 0 ? redirect_uris : ['http://127.0.0.1/callback'],
      id_token_signed_response_alg: 'ES256',
    })),
    // the login and consent pages are ours (createInteractions); PKCE is required of every client
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true, allowedPolicy: revocationAllowed },
      introspection: { enabled: true, allowedPolicy: async () => true },
    },
    ttl: config.ttl,
    // Stable refresh tokens by default, like most real providers for confidential clients;
    // rotation (with reuse detection) when the tests ask for it.
    rotateRefreshToken: config.rotateRefreshTokens,
    issueRefreshToken: async () => true,
    findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
    clientBasedCORS: () => false,
  });
  provider.on('server_error', (_ctx, error) => console.error('oidc-provider server_error', error));

  // Post-processing middleware: ctx.oidc.route and entities are known once the route has run.
  provider.use(async (ctx, next) => {
    await next();
    const route = ctx.oidc?.route;
    if (route === 'introspection') stats.recordIntrospection();
    if (route !== 'revocation') return;
    const token = ctx.oidc.params?.token;
    const found = Boolean(ctx.oidc.entities.AccessToken ?? ctx.oidc.entities.RefreshToken);
    let outcome = 'rejected';
    if (ctx.status === 200) outcome = found ? 'revoked' : typeof token === 'string' && store.wasDestroyed(token) ? 'already_revoked' : 'unknown';
    stats.recordRevocation(claimedClientId(ctx), ctx.status, outcome);
  });
  return provider;
}

// Same rule as the default policy, without its "you should change this" notice.
async function revocationAllowed(_ctx, client, token) {
  if (token.clientId === client.clientId) return true;
  throw new errors.InvalidRequest('client is not authorized to revoke the presented token');
}

/** Creates `accountIds.length` grants, each with one access token and one refresh token. */
async function mint(provider, clientId, accountIds, ttl) {
  const client = await provider.Client.find(clientId);
  if (!client) return undefined;
  const tokens = [];
  for (const accountId of accountIds) {
    const grant = new provider.Grant({ accountId, clientId });
    grant.addOIDCScope(SCOPE);
    const grantId = await grant.save();
    const iat = Math.floor(Date.now() / 1000);
    const common = { accountId, client, grantId, iat, scope: SCOPE, gty: 'authorization_code' };
    const accessToken = await new provider.AccessToken(common).save();
    const refreshToken = await new provider.RefreshToken(common).save();
    tokens.push({ access_token: accessToken, refresh_token: refreshToken, expires_at: iat + ttl.AccessToken, grant_id: grantId });
  }
  return tokens;
}

function parseMintRequest(body) {
  const { client_id: clientId, account_id: accountId, count, account_ids: accountIds } = body ?? {};
  if (typeof clientId !== 'string' || !clientId) return undefined;
  if (Array.isArray(accountIds)) {
    const ok = accountIds.length > 0 && accountIds.length <= MAX_MINT_PER_REQUEST && accountIds.every((id) => typeof id === 'string' && id);
    return ok ? { clientId, accountIds } : undefined;
  }
  const n = count ?? 1;
  if (typeof accountId !== 'string' || !accountId || !Number.isInteger(n) || n < 1 || n > MAX_MINT_PER_REQUEST) return undefined;
  return { clientId, accountIds: Array.from({ length: n }, () => accountId) };
}

function sendJson(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}

async function readJson(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new Error('body too large');
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
}

function createAdminHandler(adminSecret, getProvider, stats, ttl, tokenFaults) {
  const digest = (value) => createHash('sha256').update(value).digest();
  const expected = digest(`Bearer ${adminSecret}`);
  const authorized = (req) => timingSafeEqual(digest(req.headers.authorization ?? ''), expected);

  return async (req, res) => {
    if (!authorized(req)) return sendJson(res, 401, { error: 'unauthorized' });
    const { pathname } = new URL(req.url, 'http://127.0.0.1');
    if (pathname === '/__test/mint' && req.method === 'POST') {
      let request;
      try {
        request = parseMintRequest(await readJson(req));
      } catch {
        request = undefined;
      }
      if (!request) return sendJson(res, 400, { error: `expected {client_id, account_id, count <= ${MAX_MINT_PER_REQUEST}} or {client_id, account_ids}` });
      const tokens = await mint(getProvider(), request.clientId, request.accountIds, ttl);
      if (!tokens) return sendJson(res, 404, { error: 'unknown client_id' });
      return sendJson(res, 200, { tokens });
    }
    if (pathname === '/__test/stats' && req.method === 'GET') return sendJson(res, 200, stats.snapshot());
    if (pathname === '/__test/token-faults' && req.method === 'POST') {
      let faults;
      try {
        faults = parseTokenFaults(await readJson(req));
      } catch {
        faults = undefined;
      }
      if (!faults) return sendJson(res, 400, { error: 'expected {delay_ms?: integer >= 0, fail_status?: 4xx/5xx, fail_count?: integer >= 1}' });
      tokenFaults.set(faults);
      return sendJson(res, 200, faults);
    }
    if (pathname === '/__test/stats' && req.method === 'DELETE') {
      stats.reset();
      return sendJson(res, 200, stats.snapshot());
    }
    return sendJson(res, 404, { error: 'not found' });
  };
}

function parseTokenFaults(body) {
  const { delay_ms: delayMs = 0, fail_status: failStatus, fail_count: failCount, grant } = body ?? {};
  if (!Number.isInteger(delayMs) || delayMs < 0) return undefined;
  if (grant !== undefined && grant !== 'refresh_token' && grant !== 'authorization_code') return undefined;
  if (failStatus !== undefined && !(Number.isInteger(failStatus) && failStatus >= 400 && failStatus <= 599)) return undefined;
  if (failCount !== undefined && !(Number.isInteger(failCount) && failCount >= 1)) return undefined;
  return { delay_ms: delayMs, ...(grant === undefined ? {} : { grant }), ...(failStatus === undefined ? {} : { fail_status: failStatus, ...(failCount === undefined ? {} : { fail_count: failCount }) }) };
}

function createTokenFaults() {
  let faults = { delay_ms: 0 };
  return {
    set(next) {
      faults = next;
    },
    delayMs: () => faults.delay_ms,
    /** Which grant the failures apply to (refresh_token unless the faults say authorization_code). */
    grant: () => faults.grant ?? 'refresh_token',
    /** The status to fail this refresh with, if any (counts down fail_count). */
    takeFailure() {
      if (faults.fail_status === undefined) return undefined;
      if (faults.fail_count !== undefined) {
        faults.fail_count -= 1;
        const status = faults.fail_status;
        if (faults.fail_count <= 0) faults = { delay_ms: faults.delay_ms, ...(faults.grant ? { grant: faults.grant } : {}) };
        return status;
      }
      return faults.fail_status;
    },
  };
}

// no form-action: Chromium applies it to the redirects after a submission, and consent ends in one to the client
const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'";

function escapeHtml(value) {
  return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function sendPage(res, status, title, body) {
  const text = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:24rem;margin:3rem auto;padding:0 1rem}label{display:block;margin-top:1rem}
input{width:100%;padding:.5rem;box-sizing:border-box}button{margin-top:1rem;padding:.5rem 1rem;margin-right:.5rem}</style></head>
<body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store', 'content-security-policy': PAGE_CSP });
  res.end(text);
}

/**
 * The login and consent pages of the authorization code flow (oidc-provider leaves them to the
 * host): GET /interaction/:uid shows the page its prompt asks for; POST .../login checks a
 * configured user's password, .../confirm grants what the client asked for, .../abort denies it
 * (the client gets error=access_denied).
 */
function createInteractions(getProvider, users) {
  const byName = new Map(users.map((u) => [u.username, u.password]));
  const digest = (value) => createHash('sha256').update(value).digest();
  const passwordOk = (username, password) => byName.has(username) && timingSafeEqual(digest(byName.get(username)), digest(password));

  return async function interaction(req, res) {
    const provider = getProvider();
    const { pathname } = new URL(req.url, 'http://127.0.0.1');
    const [, , uid, action] = pathname.split('/');
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) return sendPage(res, 400, 'Invalid request', '<p>This sign-in is not the one in progress.</p>');
    const { prompt, params } = details;
    if (req.method === 'GET' && action === undefined) {
      if (prompt.name === 'login') {
        return sendPage(res, 200, 'Sign in', `<p>Sign in to continue to <strong>${escapeHtml(params.client_id)}</strong>.</p>
<form method="post" action="/interaction/${escapeHtml(uid)}/login">
<label for="username">Username</label><input id="username" name="username" autocomplete="username" required>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button></form>`);
      }
      const scopes = String(params.scope ?? '').split(' ').filter(Boolean);
      return sendPage(res, 200, 'Authorize access', `<p><strong>${escapeHtml(params.client_id)}</strong> asks for access to your account.</p>
<ul>${scopes.map((scope) => `<li>${escapeHtml(scope)}</li>`).join('')}</ul>
<form method="post" action="/interaction/${escapeHtml(uid)}/confirm"><button type="submit">Allow</button></form>
<form method="post" action="/interaction/${escapeHtml(uid)}/abort"><button type="submit">Deny</button></form>`);
    }
    if (req.method !== 'POST') return sendPage(res, 405, 'Not allowed', '<p>Method not allowed.</p>');
    const form = await readForm(req);
    if (action === 'login') {
      const username = form.get('username') ?? '';
      if (!passwordOk(username, form.get('password') ?? '')) {
        return sendPage(res, 401, 'Sign in', `<p role="alert">Wrong username or password.</p><p><a href="/interaction/${escapeHtml(uid)}">Try again</a></p>`);
      }
      return provider.interactionFinished(req, res, { login: { accountId: username } }, { mergeWithLastSubmission: false });
    }
    if (action === 'confirm') {
      const { accountId } = details.session ?? {};
      const grant = details.grantId ? await provider.Grant.find(details.grantId) : new provider.Grant({ accountId, clientId: params.client_id });
      const missing = prompt.details ?? {};
      if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
      if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
      for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
      const grantId = await grant.save();
      return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    }
    if (action === 'abort') {
      return provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'End-User aborted interaction' }, { mergeWithLastSubmission: false });
    }
    return sendPage(res, 404, 'Not found', '<p>Unknown page.</p>');
  };
}

async function readForm(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > REFRESH_FORM_LIMIT) throw new Error('body too large');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/**
 * POST /token with grant_type=refresh_token, before oidc-provider sees it: counts it, applies
 * the token faults, and catches a refresh token presented while its first exchange is still in
 * flight (reuse, like a consumed one: the grant is revoked). The parsed form is handed on as
 * req.body, which oidc-provider reads when the stream is already consumed.
 */
function createRefreshInterceptor(getProvider, store, stats, tokenFaults) {
  const inFlightByToken = new Map();
  const inFlightByGrant = new Map();
  const sleepUnlessGone = (ms, req) =>
    new Promise((resolve) => {
      const timer = setTimeout(() => resolve(true), ms);
      req.socket.once('close', () => {
        clearTimeout(timer);
        resolve(false);
      });
    });

  return async function intercept(req, res, next) {
    let form;
    try {
      form = await readForm(req);
    } catch {
      return sendJson(res, 400, { error: 'invalid_request', error_description: 'unreadable body' });
    }
    req.body = Object.fromEntries(form);
    if (form.get('grant_type') === 'authorization_code' && tokenFaults.grant() === 'authorization_code') {
      const failure = tokenFaults.takeFailure();
      if (failure !== undefined) return sendJson(res, failure, failure >= 500 ? { error: 'temporarily_unavailable' } : { error: 'invalid_request' });
    }
    if (form.get('grant_type') !== 'refresh_token') return next();
    const value = form.get('refresh_token') ?? '';
    const token = value ? await getProvider().RefreshToken.find(value, { ignoreExpiration: true }) : undefined;
    const grantId = token?.grantId;
    const grantCount = grantId === undefined ? 0 : (inFlightByGrant.get(grantId) ?? 0) + 1;
    if (grantId !== undefined) inFlightByGrant.set(grantId, grantCount);
    const finish = stats.refreshStarted(grantId, grantCount);
    const release = () => {
      if (grantId !== undefined) inFlightByGrant.set(grantId, (inFlightByGrant.get(grantId) ?? 1) - 1);
      if (value) inFlightByToken.set(value, (inFlightByToken.get(value) ?? 1) - 1);
    };
    res.once('close', () => {
      release();
      // a request dropped before any answer (its client went away) is no success
      finish(res.headersSent ? res.statusCode : 'dropped');
    });
    const concurrentReuse = value !== '' && (inFlightByToken.get(value) ?? 0) > 0;
    if (value) inFlightByToken.set(value, (inFlightByToken.get(value) ?? 0) + 1);
    if (token?.consumed || concurrentReuse) stats.reuseDetected();
    if (concurrentReuse && grantId !== undefined) {
      store.revokeGrant(grantId);
      return sendJson(res, 400, { error: 'invalid_grant', error_description: 'refresh token already used' });
    }
    const delay = tokenFaults.delayMs();
    if (delay > 0 && !(await sleepUnlessGone(delay, req))) return undefined;
    const failure = tokenFaults.grant() === 'refresh_token' ? tokenFaults.takeFailure() : undefined;
    if (failure !== undefined) {
      const body = failure >= 500 ? { error: 'temporarily_unavailable' } : { error: 'invalid_request' };
      res.setHeader('retry-after', '1');
      return sendJson(res, failure, body);
    }
    return next();
  };
}

async function main() {
  const config = readConfig();
  const { port, adminSecret, clients } = config;
  const store = createStore();
  const stats = createStats();
  let provider;
  let providerCallback;
  const tokenFaults = createTokenFaults();
  const admin = createAdminHandler(adminSecret, () => provider, stats, config.ttl, tokenFaults);
  const interceptRefresh = createRefreshInterceptor(() => provider, store, stats, tokenFaults);
  const interaction = createInteractions(() => provider, config.users);

  const server = createServer((req, res) => {
    const isToken = req.method === 'POST' && new URL(req.url ?? '/', 'http://127.0.0.1').pathname === '/token';
    const handle = req.url?.startsWith('/__test/')
      ? admin
      : req.url?.startsWith('/interaction/')
        ? interaction
        : isToken
          ? (rq, rs) => interceptRefresh(rq, rs, () => providerCallback(rq, rs))
          : providerCallback;
    Promise.resolve(handle(req, res)).catch((error) => {
      console.error('request failed', error);
      if (!res.headersSent) sendJson(res, 500, { error: 'server_error' });
      else res.destroy();
    });
  });
  // The issuer needs the real port, so the provider is built once the socket is bound.
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const boundPort = server.address().port;
  const issuer = `http://127.0.0.1:${boundPort}`;
  provider = createProvider(issuer, clients, store, stats, config);
  providerCallback = provider.callback();

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    server.close(() => process.exit(0));
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // The parent holds our stdin open; when it dies, even by SIGKILL, stdin ends and so do we.
  process.stdin.on('end', stop);
  process.stdin.on('error', stop);
  process.stdin.resume();

  process.stdout.write(`${JSON.stringify({ ready: true, issuer, port: boundPort })}\n`);
}

main().catch((error) => {
  console.error(`oauth test server failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
