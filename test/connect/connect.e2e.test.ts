/**
 * Hosted connect end to end, in Debian Chromium against a real authorization server
 * (oidc-provider, its login and consent pages): authorization code + PKCE (S256) through PAR,
 * RFC 9207 iss, tokens sealed, the connection active, vended and revoked at the provider;
 * reconnect of a needs_reauth connection under the same id; and every refusal the flow owes.
 */
import { startOAuthServer, type OAuthServerHandle } from '@at/devstack';
import { launchBrowser, type Browser } from '../console/browser';
import { seedAuthConfig, seedProject, seedTenant, type Tenant } from '../support/seed';
import { startStack, type Stack } from '../support/stack';
import { consentAndHoldCallback, deliver, screenshot, signInIfAsked } from './connect-flow';

const CLIENT = { clientId: 'connect-app', clientSecret: 'connect-app-secret-0123456789' };
const ALICE = { username: 'alice', password: 'alice-password' };
const MALLORY = { username: 'mallory', password: 'mallory-password' };

let stack: Stack;
let oauth: OAuthServerHandle;
let tenant: Tenant;
let other: { projectId: string; apiKey: string };
let authConfigId: string;
let apiKeyConfigId: string;
let browser: Browser;
let doneUrl: string;

const headers = (apiKey = tenant.apiKey) => ({ 'x-api-key': apiKey });

async function createSession(body: Record<string, unknown> = {}, apiKey = tenant.apiKey) {
  return stack.request<Record<string, string>>('POST', '/api/v1/connect_sessions', {
    headers: headers(apiKey),
    body: { auth_config_id: authConfigId, user_id: 'user-1', redirect_uri: doneUrl, ...body },
  });
}

async function newLink(body: Record<string, unknown> = {}): Promise<{ id: string; connectUrl: string }> {
  const created = await createSession(body);
  expect(created.status).toBe(201);
  return { id: created.body['id'] as string, connectUrl: created.body['connect_url'] as string };
}

const sessionOf = (id: string, apiKey = tenant.apiKey) => stack.request<Record<string, unknown>>('GET', `/api/v1/connect_sessions/${id}`, { headers: headers(apiKey) });
const accountCount = () => stack.db.db.connectedAccount.count({ where: { projectId: tenant.projectId } });
const storedCredential = async (id: string) => {
  const row = await stack.db.db.credential.findUniqueOrThrow({ where: { connectedAccountId: id } });
  return stack.apollo.context.vault.openJson<{ access_token: string; refresh_token?: string }>(row.sealed, id);
};
const active = (token: string) => oauth.introspect(CLIENT.clientId, CLIENT.clientSecret, token).then((r) => r.active);

/** A fresh browser profile per flow: no provider session or binding cookie carries over. */
async function withBrowser<T>(fn: (b: Browser) => Promise<T>): Promise<T> {
  const b = await launchBrowser();
  try {
    return await fn(b);
  } finally {
    await b.close();
  }
}

beforeAll(async () => {
  stack = await startStack();
  doneUrl = `${stack.apollo.url}/connect/done`;
  oauth = await startOAuthServer({ clients: [{ ...CLIENT, redirectUris: [`${stack.apollo.url}/connect/callback`] }], users: [ALICE, MALLORY] });
  tenant = await seedTenant(stack, 'connect');
  other = await seedProject(stack, tenant.orgToken, 'other');
  for (const projectId of [tenant.projectId, other.projectId]) {
    const patched = await stack.request('PATCH', `/dashboard/v1/projects/${projectId}`, { headers: { authorization: `Bearer ${tenant.orgToken}` }, body: { allowed_redirect_uris: [doneUrl] } });
    expect(patched.status).toBe(200);
  }
  authConfigId = await seedAuthConfig(stack, tenant.apiKey, {
    toolkit: 'oauth2',
    auth_scheme: 'oauth2',
    client_id: CLIENT.clientId,
    client_secret: CLIENT.clientSecret,
    issuer: oauth.issuer,
    scopes: ['openid', 'offline_access'],
    // oidc-provider issues a refresh token (offline_access) only with prompt=consent
    authorize_params: { prompt: 'consent' },
  });
  apiKeyConfigId = await seedAuthConfig(stack, tenant.apiKey, { toolkit: 'openai', auth_scheme: 'api_key' });
  browser = await launchBrowser();
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await Promise.all([stack?.stop(), oauth?.stop()]);
});
beforeEach(async () => {
  await oauth.setTokenFaults({});
});

test('an issuer fills the auth config from its metadata: endpoints, PAR and the iss check', async () => {
  const config = await stack.request<Record<string, unknown>>('GET', `/api/v1/auth_configs/${authConfigId}`, { headers: headers() });
  expect(config.body).toMatchObject({
    issuer: oauth.issuer,
    authorization_endpoint: oauth.authorizationEndpoint,
    token_endpoint: oauth.tokenEndpoint,
    revocation_endpoint: oauth.revocationEndpoint,
    pushed_authorization_request_endpoint: `${oauth.issuer}/request`,
    authorization_response_iss_parameter_supported: true,
    scopes: ['openid', 'offline_access'],
  });
});

test('create session, sign in, consent in a real browser: success, the account is active, its token works at the provider, and a revoke kills it', async () => {
  const { id, connectUrl } = await newLink();
  expect(connectUrl.startsWith(`${stack.apollo.url}/connect/acl_`)).toBe(true);
  expect((await sessionOf(id)).body).toMatchObject({ status: 'pending', connected_account_id: null, reconnect: false });

  const { page } = browser;
  await page.goto(connectUrl);
  // PAR: the browser carries only the request_uri, never the state or the challenge
  await signInIfAsked(page, ALICE, 'provider-sign-in');
  await screenshot(page, 'provider-consent');
  await page.getByRole('button', { name: 'Allow' }).click();
  await page.getByRole('heading', { name: 'Connected' }).waitFor();
  await screenshot(page, 'connected');
  const landed = new URL(page.url());
  expect(landed.searchParams.get('status')).toBe('success');
  const accountId = landed.searchParams.get('connected_account_id') as string;
  expect(accountId).toMatch(/^ca_/);

  expect((await sessionOf(id)).body).toMatchObject({ status: 'completed', connected_account_id: accountId, error: null });
  const account = await stack.request<Record<string, unknown>>('GET', `/api/v1/connected_accounts/${accountId}`, { headers: headers() });
  expect(account.body).toMatchObject({ status: 'active', user_id: 'user-1', auth_config_id: authConfigId });
  const row = await stack.db.db.connectedAccount.findUniqueOrThrow({ where: { id: accountId } });
  expect(row.providerSubject).toBe(ALICE.username);
  const sealed = await storedCredential(accountId);
  expect(sealed.refresh_token).toEqual(expect.any(String));

  const vended = await stack.request<Record<string, string>>('GET', `/api/v1/connected_accounts/${accountId}/token`, { headers: headers() });
  expect(vended.status).toBe(200);
  expect(vended.body['access_token']).toBe(sealed.access_token);
  expect(await active(vended.body['access_token'] as string)).toBe(true);

  const revoke = await stack.request<Record<string, string>>('POST', '/api/v1/revoke_jobs', { headers: headers(), body: { scope: { type: 'connected_account', id: accountId } } });
  expect(revoke.status).toBeLessThan(300);
  const jobId = revoke.body['id'] as string;
  for (let i = 0; i < 300; i += 1) {
    const job = await stack.request<Record<string, unknown>>('GET', `/api/v1/revoke_jobs/${jobId}`, { headers: headers() });
    if (job.body['status'] === 'completed') break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(await active(sealed.access_token)).toBe(false);
  expect(await active(sealed.refresh_token as string)).toBe(false);

  // the link, and the state the provider sent back, are spent
  const again = await deliver(connectUrl, '');
  expect(again.status).toBe(410);
  // no token in any log line
  const logs = [...stack.logs.apollo, ...stack.logs.thermos].join('\n');
  expect(logs).not.toContain(sealed.access_token);
  expect(logs).not.toContain(sealed.refresh_token as string);
  expect(logs).not.toContain(new URL(connectUrl).pathname.split('/').pop() as string);
});

test('reconnect of a needs_reauth connection keeps its id and makes it active with the new tokens', async () => {
  const first = await withBrowser(async (b) => {
    const { connectUrl } = await newLink({ user_id: 'user-re' });
    const held = await consentAndHoldCallback(b.context, b.page, connectUrl, oauth.issuer, ALICE);
    return deliver(held.callbackUrl, held.cookie);
  });
  const accountId = new URL(first.location as string).searchParams.get('connected_account_id') as string;
  const before = await storedCredential(accountId);
  await stack.db.db.connectedAccount.update({ where: { id: accountId }, data: { status: 'needs_reauth', statusReason: 'invalid_grant' } });

  const count = await accountCount();
  const { id, connectUrl } = await newLink({ user_id: 'user-re', connected_account_id: accountId });
  expect((await sessionOf(id)).body).toMatchObject({ status: 'pending', reconnect: true, connected_account_id: accountId });
  const landed = await withBrowser(async (b) => {
    await b.page.goto(connectUrl);
    await signInIfAsked(b.page, ALICE);
    await b.page.getByRole('button', { name: 'Allow' }).click();
    await b.page.getByRole('heading', { name: 'Connected' }).waitFor();
    return new URL(b.page.url());
  });
  expect(landed.searchParams.get('connected_account_id')).toBe(accountId);
  const account = await stack.request<Record<string, unknown>>('GET', `/api/v1/connected_accounts/${accountId}`, { headers: headers() });
  expect(account.body).toMatchObject({ id: accountId, status: 'active', status_reason: null });
  const after = await storedCredential(accountId);
  expect(after.access_token).not.toBe(before.access_token);
  expect(await active(after.access_token)).toBe(true);
  expect(await accountCount()).toBe(count);
  expect((await sessionOf(id)).body).toMatchObject({ status: 'completed', connected_account_id: accountId });
});

test('a reconnect signed in as someone else is refused with account_mismatch; the connection keeps its credential', async () => {
  const first = await withBrowser(async (b) => {
    const { connectUrl } = await newLink({ user_id: 'user-mix' });
    const held = await consentAndHoldCallback(b.context, b.page, connectUrl, oauth.issuer, ALICE);
    return deliver(held.callbackUrl, held.cookie);
  });
  const accountId = new URL(first.location as string).searchParams.get('connected_account_id') as string;
  const before = await storedCredential(accountId);
  await stack.db.db.connectedAccount.update({ where: { id: accountId }, data: { status: 'needs_reauth' } });

  const { id, connectUrl } = await newLink({ user_id: 'user-mix', connected_account_id: accountId });
  const revokedBefore = (await oauth.stats()).revocation.revoked;
  const result = await withBrowser(async (b) => {
    const held = await consentAndHoldCallback(b.context, b.page, connectUrl, oauth.issuer, MALLORY);
    return deliver(held.callbackUrl, held.cookie);
  });
  expect(result.status).toBe(303);
  const location = new URL(result.location as string);
  expect(Object.fromEntries(location.searchParams)).toEqual({ status: 'error', error: 'account_mismatch' });
  expect((await sessionOf(id)).body).toMatchObject({ status: 'failed', error: 'account_mismatch' });
  expect(await storedCredential(accountId)).toEqual(before);
  const row = await stack.db.db.connectedAccount.findUniqueOrThrow({ where: { id: accountId } });
  expect(row.status).toBe('needs_reauth');
  // the tokens issued for the wrong account are not kept, so they are not left alive upstream either
  expect((await oauth.stats()).revocation.revoked).toBeGreaterThan(revokedBefore);
});

test('consent denied: back to redirect_uri with error=access_denied, nothing created', async () => {
  const count = await accountCount();
  const { id, connectUrl } = await newLink();
  const result = await withBrowser(async (b) => {
    const held = await consentAndHoldCallback(b.context, b.page, connectUrl, oauth.issuer, ALICE, 'Deny');
    return deliver(held.callbackUrl, held.cookie);
  });
  expect(result.status).toBe(303);
  expect(Object.fromEntries(new URL(result.location as string).searchParams)).toEqual({ status: 'error', error: 'access_denied' });
  expect((await sessionOf(id)).body).toMatchObject({ status: 'failed', error: 'access_denied' });
  expect(await accountCount()).toBe(count);
});

describe('attacks on the callback', () => {
  /** A consented callback held back, with the cookies of the browser that opened the link. */
  async function heldCallback(user = ALICE) {
    const { id, connectUrl } = await newLink();
    const held = await withBrowser((b) => consentAndHoldCallback(b.context, b.page, connectUrl, oauth.issuer, user));
    return { id, ...held };
  }

  const tampered = (url: URL, changes: Record<string, string | null>) => {
    const copy = new URL(url);
    for (const [name, value] of Object.entries(changes)) {
      if (value === null) copy.searchParams.delete(name);
      else copy.searchParams.set(name, value);
    }
    return copy;
  };

  test('a tampered state is an error page, nothing created, and the real one still works once; replaying it is refused', async () => {
    const count = await accountCount();
    const held = await heldCallback();
    const state = held.callbackUrl.searchParams.get('state') as string;
    const forged = await deliver(tampered(held.callbackUrl, { state: `${state.slice(0, -2)}xx` }), held.cookie);
    expect(forged.status).toBe(400);
    expect(forged.body).toContain('invalid_state');
    expect(await accountCount()).toBe(count);

    const real = await deliver(held.callbackUrl, held.cookie);
    expect(real.status).toBe(303);
    expect(new URL(real.location as string).searchParams.get('status')).toBe('success');
    const replay = await deliver(held.callbackUrl, held.cookie);
    expect(replay.status).toBe(400);
    expect(replay.body).toContain('invalid_state');
    expect(await accountCount()).toBe(count + 1);
  });

  test('a callback brought by another browser (no binding cookie) is refused, and the session stays usable by its own browser', async () => {
    const held = await heldCallback();
    const stranger = await deliver(held.callbackUrl, '');
    expect(stranger.status).toBe(400);
    expect(stranger.body).toContain('browser_mismatch');
    const own = await deliver(held.callbackUrl, held.cookie);
    expect(new URL(own.location as string).searchParams.get('status')).toBe('success');
  });

  test('a replayed code (spent by another session) and a code issued for another PKCE challenge both fail the exchange', async () => {
    const a = await heldCallback();
    expect((await deliver(a.callbackUrl, a.cookie)).status).toBe(303);
    const b = await heldCallback();
    const replayed = await deliver(tampered(b.callbackUrl, { code: a.callbackUrl.searchParams.get('code') }), b.cookie);
    expect(Object.fromEntries(new URL(replayed.location as string).searchParams)).toEqual({ status: 'error', error: 'token_exchange_failed' });
    expect((await sessionOf(b.id)).body).toMatchObject({ status: 'failed', error: 'token_exchange_failed' });

    // c's code is fresh, but bound to c's challenge: d's verifier does not match it
    const c = await heldCallback();
    const d = await heldCallback();
    const mismatch = await deliver(tampered(d.callbackUrl, { code: c.callbackUrl.searchParams.get('code') }), d.cookie);
    expect(Object.fromEntries(new URL(mismatch.location as string).searchParams)).toEqual({ status: 'error', error: 'token_exchange_failed' });
    expect(stack.logs.apollo.join('\n')).toContain('invalid_grant');
  });

  test('an iss from another server (mix-up), or none from a server that always sends it, is refused', async () => {
    const count = await accountCount();
    const other = await heldCallback();
    const mixed = await deliver(tampered(other.callbackUrl, { iss: 'http://127.0.0.1:1' }), other.cookie);
    expect(Object.fromEntries(new URL(mixed.location as string).searchParams)).toEqual({ status: 'error', error: 'issuer_mismatch' });
    const none = await heldCallback();
    const missing = await deliver(tampered(none.callbackUrl, { iss: null }), none.cookie);
    expect(Object.fromEntries(new URL(missing.location as string).searchParams)).toEqual({ status: 'error', error: 'issuer_mismatch' });
    expect(await accountCount()).toBe(count);
  });

  test('a provider error is error=provider_error, and a failing token endpoint is error=token_exchange_failed', async () => {
    const count = await accountCount();
    const errored = await heldCallback();
    const provider = await deliver(tampered(errored.callbackUrl, { code: null, error: 'server_error', error_description: '<script>alert(1)</script>' }), errored.cookie);
    expect(Object.fromEntries(new URL(provider.location as string).searchParams)).toEqual({ status: 'error', error: 'provider_error' });

    const failing = await heldCallback();
    await oauth.setTokenFaults({ grant: 'authorization_code', fail_status: 503 });
    const exchange = await deliver(failing.callbackUrl, failing.cookie);
    expect(Object.fromEntries(new URL(exchange.location as string).searchParams)).toEqual({ status: 'error', error: 'token_exchange_failed' });
    expect((await sessionOf(failing.id)).body).toMatchObject({ status: 'failed', error: 'token_exchange_failed' });
    expect(await accountCount()).toBe(count);
  });

  test('a project deleted while its end user was at the provider: error=project_deleted, nothing created under it', async () => {
    const doomed = await seedProject(stack, tenant.orgToken, 'doomed');
    await stack.request('PATCH', `/dashboard/v1/projects/${doomed.projectId}`, { headers: { authorization: `Bearer ${tenant.orgToken}` }, body: { allowed_redirect_uris: [doneUrl] } });
    const configId = await seedAuthConfig(stack, doomed.apiKey, { toolkit: 'oauth2', auth_scheme: 'oauth2', client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret, issuer: oauth.issuer, scopes: ['openid'] });
    const created = await createSession({ auth_config_id: configId }, doomed.apiKey);
    const held = await withBrowser((b) => consentAndHoldCallback(b.context, b.page, created.body['connect_url'] as string, oauth.issuer, ALICE));
    expect((await stack.request('DELETE', `/dashboard/v1/projects/${doomed.projectId}`, { headers: { authorization: `Bearer ${tenant.orgToken}` } })).status).toBe(200);
    const late = await deliver(held.callbackUrl, held.cookie);
    expect(Object.fromEntries(new URL(late.location as string).searchParams)).toEqual({ status: 'error', error: 'project_deleted' });
    expect(await stack.db.db.connectedAccount.count({ where: { projectId: doomed.projectId } })).toBe(0);
  });

  test('an expired session: its callback is an error page and the session reads expired-failed; an expired link does not open', async () => {
    const held = await heldCallback();
    await stack.db.db.connectSession.update({ where: { id: held.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const late = await deliver(held.callbackUrl, held.cookie);
    expect(late.status).toBe(410);
    expect(late.body).toContain('expired');
    expect((await sessionOf(held.id)).body).toMatchObject({ status: 'failed', error: 'expired' });

    const { id, connectUrl } = await newLink();
    await stack.db.db.connectSession.update({ where: { id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await sessionOf(id)).body).toMatchObject({ status: 'expired' });
    expect((await deliver(connectUrl, '')).status).toBe(410);
  });

  test('a link opens once: the second opening is an error page', async () => {
    const { connectUrl } = await newLink();
    const first = await deliver(connectUrl, '');
    expect(first.status).toBe(303);
    expect(first.location?.startsWith(oauth.authorizationEndpoint)).toBe(true);
    const location = new URL(first.location as string);
    // PAR: only client_id and request_uri travel through the browser
    expect([...location.searchParams.keys()].sort()).toEqual(['client_id', 'request_uri']);
    const second = await deliver(connectUrl, '');
    expect(second.status).toBe(410);
    expect(second.body).toContain('link_used');
  });
});

describe('creating and reading sessions', () => {
  test('a redirect_uri not on the allowlist (or merely similar) is a 400', async () => {
    for (const redirect_uri of [`${doneUrl}/`, `${doneUrl}?x=1`, 'https://evil.example/connect/done', doneUrl.toUpperCase()]) {
      const refused = await createSession({ redirect_uri });
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ error: { code: 'invalid_request', fields: [{ path: 'body.redirect_uri' }] } });
    }
    const fragment = await createSession({ redirect_uri: `${doneUrl}#x` });
    expect(fragment.status).toBe(400);
  });

  test("a session of project A is not found with project B's key, and B cannot use A's auth config", async () => {
    const { id } = await newLink();
    expect((await sessionOf(id, other.apiKey)).status).toBe(404);
    expect((await createSession({}, other.apiKey)).status).toBe(404);
  });

  test('a reconnect must name a live connection of the same auth config and user', async () => {
    const missing = await createSession({ connected_account_id: 'ca_00000000000000000000000000' });
    expect(missing.status).toBe(404);
  });

  test("a catalog toolkit without an authorization_endpoint consents at the catalog's, scopes joined as the provider expects", async () => {
    for (const [toolkit, scopes, endpoint, scope] of [
      ['google', ['openid', 'email'], 'https://accounts.google.com/o/oauth2/v2/auth', 'openid email'],
      ['slack', ['chat:write', 'channels:read'], 'https://slack.com/oauth/v2/authorize', 'chat:write,channels:read'],
    ] as const) {
      const configId = await seedAuthConfig(stack, tenant.apiKey, { toolkit, auth_scheme: 'oauth2', client_id: `${toolkit}-client`, client_secret: 'secret-0123456789', scopes });
      const { connectUrl } = await newLink({ auth_config_id: configId });
      const opened = await deliver(connectUrl, '');
      expect(opened.status).toBe(303);
      const location = new URL(opened.location as string);
      expect(`${location.origin}${location.pathname}`).toBe(endpoint);
      expect(Object.fromEntries(location.searchParams)).toEqual({
        response_type: 'code',
        client_id: `${toolkit}-client`,
        redirect_uri: `${stack.apollo.url}/connect/callback`,
        scope,
        state: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        code_challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        code_challenge_method: 'S256',
      });
    }
  });

  test('an auth config with no authorization endpoint anywhere cannot make a session', async () => {
    const configId = await seedAuthConfig(stack, tenant.apiKey, { toolkit: 'oauth2', auth_scheme: 'oauth2', client_id: 'c', client_secret: 'secret-0123456789', revocation_endpoint: oauth.revocationEndpoint });
    const refused = await createSession({ auth_config_id: configId });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: { fields: [{ path: 'body.auth_config_id' }] } });
  });

  test('the session endpoints check the API key first', async () => {
    expect((await stack.request('POST', '/api/v1/connect_sessions', { body: {} })).status).toBe(401);
    expect((await stack.request('GET', '/api/v1/connect_sessions/cs_00000000000000000000000000')).status).toBe(401);
  });

  test('unknown link tokens and states are error pages with a strict CSP, never JSON or a stack trace', async () => {
    for (const path of ['/connect/acl_unknown0000000000000000000', '/connect/callback?state=nope', '/connect/callback', '/connect/%00']) {
      const response = await fetch(`${stack.apollo.url}${path}`, { redirect: 'manual' });
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expect(response.headers.get('content-type')).toContain('text/html');
      expect(response.headers.get('content-security-policy')).toContain("script-src 'none'");
    }
  });
});

describe('api_key auth configs', () => {
  test('the link shows a CSRF-protected form; the key lands sealed and the connection is active', async () => {
    const { id, connectUrl } = await newLink({ auth_config_id: apiKeyConfigId, user_id: 'key-user' });
    const landed = await withBrowser(async (b) => {
      await b.page.goto(connectUrl);
      await b.page.getByLabel('API key').fill('sk-test-0123456789abcdef');
      await screenshot(b.page, 'api-key-form');
      await b.page.getByRole('button', { name: 'Connect' }).click();
      await b.page.getByRole('heading', { name: 'Connected' }).waitFor();
      return new URL(b.page.url());
    });
    const accountId = landed.searchParams.get('connected_account_id') as string;
    expect((await sessionOf(id)).body).toMatchObject({ status: 'completed', connected_account_id: accountId });
    const vended = await stack.request<Record<string, string>>('GET', `/api/v1/connected_accounts/${accountId}/token`, { headers: headers() });
    expect(vended.body['api_key']).toBe('sk-test-0123456789abcdef');
  });

  test('a submission without the form token, or from another browser, is refused and the link stays usable', async () => {
    const { connectUrl } = await newLink({ auth_config_id: apiKeyConfigId, user_id: 'key-user-2' });
    const opened = await fetch(connectUrl, { redirect: 'manual' });
    const html = await opened.text();
    const csrf = /name="csrf_token" value="([^"]+)"/.exec(html)?.[1] as string;
    const cookie = (opened.headers.get('set-cookie') ?? '').split(';')[0] as string;
    const post = (form: Record<string, string>, withCookie: string) =>
      fetch(connectUrl, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', ...(withCookie ? { cookie: withCookie } : {}) }, body: new URLSearchParams(form) });
    expect((await post({ api_key: 'k-1234567890' }, cookie)).status).toBe(403);
    expect((await post({ api_key: 'k-1234567890', csrf_token: `${csrf.slice(0, -2)}zz` }, cookie)).status).toBe(403);
    expect((await post({ api_key: 'k-1234567890', csrf_token: csrf }, '')).status).toBe(400);
    const ok = await post({ api_key: 'k-1234567890', csrf_token: csrf }, cookie);
    expect(ok.status).toBe(303);
    expect(new URL(ok.headers.get('location') as string).searchParams.get('status')).toBe('success');
    expect((await post({ api_key: 'k-1234567890', csrf_token: csrf }, cookie)).status).toBe(410);
  });
});
