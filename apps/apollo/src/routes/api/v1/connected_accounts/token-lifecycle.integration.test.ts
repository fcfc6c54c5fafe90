/**
 * The token lifecycle through apollo's API against a real OAuth server (oidc-provider, rotating
 * refresh tokens with reuse detection): vend, refresh on read, needs_reauth, health, reconnect.
 */
import { startOAuthServer, type OAuthServerHandle } from '@at/devstack';
import { apiKeyHeader, bearer, expectAuthRequired, expectError, expectFieldError, expectNoSecrets, testSecret, type Json } from '@at/testkit';
import { startTestApollo, type SeededProject, type TestApollo } from '../../../../../test/test-apollo';

const CLIENT = { clientId: 'lifecycle-app', clientSecret: 'lifecycle-app-secret-0123456789' };

let t: TestApollo;
let oauth: OAuthServerHandle;
let project: SeededProject;
let foreign: SeededProject;
let config: Json;
let keysConfig: Json;
let adminToken: string;
let foreignAdminToken: string;
const secrets: string[] = [CLIENT.clientSecret];
// what only GET .../token may answer: the end users' tokens and keys
const credentialSecrets: string[] = [];

beforeAll(async () => {
  [t, oauth] = await Promise.all([startTestApollo(), startOAuthServer({ clients: [CLIENT], rotateRefreshTokens: true, accessTokenTtlSeconds: 3600 })]);
  const org = await t.seed.org('acme');
  const globex = await t.seed.org('globex');
  adminToken = org.adminToken;
  foreignAdminToken = globex.adminToken;
  project = await t.seed.project(org.adminToken);
  foreign = await t.seed.project(globex.adminToken);
  secrets.push(org.adminToken, globex.adminToken, project.apiKey, foreign.apiKey);
  config = await t.seed.authConfig(project.apiKey, {
    toolkit: 'oauth2',
    client_id: CLIENT.clientId,
    client_secret: CLIENT.clientSecret,
    revocation_endpoint: oauth.revocationEndpoint,
    token_endpoint: oauth.tokenEndpoint,
  });
  keysConfig = await t.seed.authConfig(project.apiKey, { toolkit: 'openai', auth_scheme: 'api_key', client_id: undefined, client_secret: undefined });
});
afterAll(async () => {
  await Promise.all([t?.stop(), oauth?.stop()]);
});
beforeEach(async () => {
  await oauth.setTokenFaults({});
});

const auth = (p: SeededProject = project) => apiKeyHeader(p.apiKey);
const past = () => new Date(Date.now() - 60_000).toISOString();

/** A connection holding a real grant of the OAuth server; `expiresAt` is what we are told. */
async function connect(expiresAt: string, userId = 'user-1', authConfigId: string = config.id): Promise<{ id: string; accessToken: string; refreshToken: string }> {
  const [minted] = await oauth.mint(CLIENT.clientId, userId);
  secrets.push(minted!.accessToken, minted!.refreshToken);
  credentialSecrets.push(minted!.accessToken, minted!.refreshToken);
  const account = await t.seed.connectedAccount(project.apiKey, authConfigId, { access_token: minted!.accessToken, refresh_token: minted!.refreshToken, expires_at: expiresAt }, userId);
  return { id: account.id, accessToken: minted!.accessToken, refreshToken: minted!.refreshToken };
}

const vend = (id: string, p: SeededProject = project) => t.request('GET', `/api/v1/connected_accounts/${id}/token`, { headers: auth(p) });
const active = (token: string) => oauth.introspect(CLIENT.clientId, CLIENT.clientSecret, token).then((r) => r.active);

it('the token, credentials and health routes reject a missing or wrong API key with 401', async () => {
  const { id } = await connect('2030-01-01T00:00:00Z');
  await expectAuthRequired(
    t,
    [
      { method: 'GET', path: `/api/v1/connected_accounts/${id}/token` },
      { method: 'PUT', path: `/api/v1/connected_accounts/${id}/credentials`, body: { access_token: 'x' } },
      { method: 'GET', path: '/api/v1/connection_health' },
    ],
    [apiKeyHeader('atk_wrong'), bearer(project.apiKey)],
  );
});

describe('GET /api/v1/connected_accounts/{id}/token', () => {
  it('serves a token that is not near expiry as stored, never cached, without calling the provider', async () => {
    await oauth.resetStats();
    const { id, accessToken } = await connect('2030-01-01T00:00:00Z');
    const res = await vend(id);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ connected_account_id: id, auth_scheme: 'oauth2', access_token: accessToken, token_type: 'Bearer', expires_at: '2030-01-01T00:00:00.000Z', refreshed: false });
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect((await oauth.stats()).refresh.total).toBe(0);
  });

  it('serves an API key as is', async () => {
    const key = testSecret('user-key');
    secrets.push(key);
    credentialSecrets.push(key);
    const account = await t.seed.connectedAccount(project.apiKey, keysConfig.id, { api_key: key });
    expect((await vend(account.id)).body).toEqual({ connected_account_id: account.id, auth_scheme: 'api_key', api_key: key });
  });

  it('refreshes a token within the lead first: the rotated pair is stored, live at the provider, and served', async () => {
    const { id, refreshToken } = await connect(new Date(Date.now() + 60_000).toISOString());
    const res = await vend(id);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ connected_account_id: id, auth_scheme: 'oauth2', token_type: 'Bearer', refreshed: true });
    secrets.push(res.body.access_token);
    credentialSecrets.push(res.body.access_token);
    expect(await active(res.body.access_token)).toBe(true);
    expect(Date.parse(res.body.expires_at)).toBeGreaterThan(Date.now() + 3_000_000);
    const stored = t.apollo.context.vault.openJson<Json>((await t.db.credential.findUniqueOrThrow({ where: { connectedAccountId: id } })).sealed, id);
    secrets.push(stored.refresh_token);
    credentialSecrets.push(stored.refresh_token);
    expect(stored).toMatchObject({ access_token: res.body.access_token, refresh_token: expect.any(String) });
    expect(stored.refresh_token).not.toBe(refreshToken);
    expect(await active(stored.refresh_token)).toBe(true);
    const account = await t.request('GET', `/api/v1/connected_accounts/${id}`, { headers: auth() });
    expect(account.body).toMatchObject({ status: 'active', status_reason: null, last_refreshed_at: expect.any(String), last_refresh_error_at: null });
    // warm now: the next vend is the stored token, no second refresh
    expect((await vend(id)).body).toMatchObject({ access_token: res.body.access_token, refreshed: false });
  });

  it("another project's connection and a deleted one are 404, a malformed id 400", async () => {
    const { id } = await connect('2030-01-01T00:00:00Z');
    expectError(await vend(id, foreign), 404, 'not_found');
    const deleted = await connect('2030-01-01T00:00:00Z');
    expect((await t.request('DELETE', `/api/v1/connected_accounts/${deleted.id}`, { headers: auth() })).status).toBe(200);
    expectError(await vend(deleted.id), 404, 'not_found');
    expectFieldError(await t.request('GET', '/api/v1/connected_accounts/nope/token', { headers: auth() }), 'path.id');
  });

  it('a transient provider failure never changes status: a valid token is served, an expired one is 503 with Retry-After', async () => {
    const soon = await connect(new Date(Date.now() + 60_000).toISOString());
    await oauth.setTokenFaults({ fail_status: 503 });
    const served = await vend(soon.id);
    expect(served.status).toBe(200);
    expect(served.body).toMatchObject({ access_token: soon.accessToken, refreshed: false });
    const expired = await connect(past());
    const res = await vend(expired.id);
    expectError(res, 503, 'refresh_unavailable');
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    for (const id of [soon.id, expired.id]) {
      const account = await t.request('GET', `/api/v1/connected_accounts/${id}`, { headers: auth() });
      expect(account.body).toMatchObject({ status: 'active', status_reason: null, last_refresh_error_at: expect.any(String), last_refresh_error: 'provider_unavailable' });
    }
  });
});

describe('a refresh token the provider refuses', () => {
  let dead: { id: string; refreshToken: string };
  let healthy: { id: string };
  let otherConfig: Json;

  beforeAll(async () => {
    otherConfig = await t.seed.authConfig(project.apiKey, { toolkit: 'oauth2', client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret, revocation_endpoint: oauth.revocationEndpoint, token_endpoint: oauth.tokenEndpoint });
    dead = await connect(past(), 'user-dead', otherConfig.id);
    healthy = await connect('2030-01-01T00:00:00Z', 'user-dead');
    // the end user revoked the app at the provider: the grant is gone
    expect(await oauth.revoke(CLIENT.clientId, CLIENT.clientSecret, dead.refreshToken, 'refresh_token')).toBe(200);
  });

  it('makes the connection needs_reauth with the provider code; the vend is 409 needs_reauth', async () => {
    expectError(await vend(dead.id), 409, 'needs_reauth');
    const account = await t.request('GET', `/api/v1/connected_accounts/${dead.id}`, { headers: auth() });
    expect(account.body).toMatchObject({ status: 'needs_reauth', status_reason: 'invalid_grant', last_refresh_error: 'invalid_grant', last_refresh_error_at: expect.any(String) });
    // and stays so without calling the provider again
    await oauth.resetStats();
    expectError(await vend(dead.id), 409, 'needs_reauth');
    expect((await oauth.stats()).refresh.total).toBe(0);
  });

  it('lists filter by status, toolkit, auth config and user', async () => {
    const byStatus = await t.request('GET', '/api/v1/connected_accounts?status=needs_reauth', { headers: auth() });
    expect(byStatus.body.items.map((a: Json) => a.id)).toEqual([dead.id]);
    const combined = await t.request('GET', `/api/v1/connected_accounts?toolkit=oauth2&user_id=user-dead&auth_config_id=${config.id}`, { headers: auth() });
    expect(combined.body.items.map((a: Json) => a.id)).toEqual([healthy.id]);
    expect((await t.request('GET', '/api/v1/connected_accounts?toolkit=atlassian&user_id=user-dead', { headers: auth() })).body.items).toEqual([]);
    expectFieldError(await t.request('GET', '/api/v1/connected_accounts?toolkit=Not%20A%20Slug', { headers: auth() }), 'query.toolkit');
  });

  it('connection_health counts per auth config, so the failing connector shows next to the working one', async () => {
    const user = await t.request('GET', '/api/v1/connection_health?user_id=user-dead', { headers: auth() });
    expect(user.status).toBe(200);
    expect(user.body).toEqual({
      any_needs_reauth: true,
      items: [
        { auth_config_id: config.id, toolkit: 'oauth2', active: 1, needs_reauth: 0, revoking: 0, revoked: 0 },
        { auth_config_id: otherConfig.id, toolkit: 'oauth2', active: 0, needs_reauth: 1, revoking: 0, revoked: 0 },
      ].sort((a, b) => a.auth_config_id.localeCompare(b.auth_config_id)),
    });
    const all = await t.request('GET', '/api/v1/connection_health', { headers: auth() });
    expect(all.body.any_needs_reauth).toBe(true);
    expect(all.body.items.find((i: Json) => i.auth_config_id === keysConfig.id)).toMatchObject({ toolkit: 'openai', active: expect.any(Number), needs_reauth: 0 });
    expect(await t.request('GET', '/api/v1/connection_health?user_id=nobody', { headers: auth() })).toMatchObject({ status: 200, body: { any_needs_reauth: false, items: [] } });
    expect((await t.request('GET', '/api/v1/connection_health', { headers: auth(foreign) })).body).toEqual({ any_needs_reauth: false, items: [] });
    expectFieldError(await t.request('GET', '/api/v1/connection_health?user=1', { headers: auth() }), 'query.user');
  });

  it("the dashboard shows the same health to the project's org admin, and no other org's", async () => {
    const viaApi = await t.request('GET', '/api/v1/connection_health?user_id=user-dead', { headers: auth() });
    const viaDashboard = await t.request('GET', `/dashboard/v1/projects/${project.id}/connection_health?user_id=user-dead`, { headers: bearer(adminToken) });
    expect(viaDashboard).toMatchObject({ status: 200, body: viaApi.body });
    expect((await t.request('GET', `/dashboard/v1/projects/${project.id}/connection_health`, { headers: bearer(adminToken) })).body.any_needs_reauth).toBe(true);
    expectError(await t.request('GET', `/dashboard/v1/projects/${project.id}/connection_health`, { headers: bearer(foreignAdminToken) }), 404, 'not_found');
    expectError(await t.request('GET', `/dashboard/v1/projects/${foreign.id}/connection_health`, { headers: bearer(adminToken) }), 404, 'not_found');
    await expectAuthRequired(t, [{ method: 'GET', path: `/dashboard/v1/projects/${project.id}/connection_health` }], [bearer('ato_wrong'), apiKeyHeader(project.apiKey)]);
    expectFieldError(await t.request('GET', '/dashboard/v1/projects/nope/connection_health', { headers: bearer(adminToken) }), 'path.id');
    expectFieldError(await t.request('GET', `/dashboard/v1/projects/${project.id}/connection_health?user=1`, { headers: bearer(adminToken) }), 'query.user');
  });

  it('PUT credentials after the user reconnects makes it active again, same id, and vends the new token', async () => {
    const [minted] = await oauth.mint(CLIENT.clientId, 'user-dead');
    secrets.push(minted!.accessToken, minted!.refreshToken);
    credentialSecrets.push(minted!.accessToken, minted!.refreshToken);
    const res = await t.request('PUT', `/api/v1/connected_accounts/${dead.id}/credentials`, {
      headers: auth(),
      body: { access_token: minted!.accessToken, refresh_token: minted!.refreshToken, expires_at: '2030-01-01T00:00:00Z' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: dead.id, status: 'active', status_reason: null });
    expect((await vend(dead.id)).body).toMatchObject({ access_token: minted!.accessToken, refreshed: false });
    expect((await t.request('GET', '/api/v1/connection_health?user_id=user-dead', { headers: auth() })).body.any_needs_reauth).toBe(false);
  });
});

describe('PUT /api/v1/connected_accounts/{id}/credentials', () => {
  it('validates like a connect, and refuses another project (404) or a connection being revoked (409)', async () => {
    const { id } = await connect('2030-01-01T00:00:00Z');
    const put = (body: unknown, p: SeededProject = project, target = id) => t.request('PUT', `/api/v1/connected_accounts/${target}/credentials`, { headers: auth(p), body });
    expectFieldError(await put({ api_key: 'k' }), 'body');
    expectFieldError(await put({ access_token: 'a', id_token: 'x' }), 'body.id_token');
    expectFieldError(await put({}), 'body.access_token');
    expectError(await put({ access_token: 'a' }, foreign), 404, 'not_found');
    await t.db.connectedAccount.update({ where: { id }, data: { status: 'revoking' } });
    expectError(await put({ access_token: 'a' }), 409, 'connection_revoked');
    expectError(await vend(id), 409, 'connection_revoked');
  });
});

describe('auth config refresh settings', () => {
  it('show token_endpoint and token_endpoint_auth_method', async () => {
    expect(config).toMatchObject({ token_endpoint: oauth.tokenEndpoint, token_endpoint_auth_method: 'client_secret_basic' });
    const post = await t.seed.authConfig(project.apiKey, { toolkit: 'google', token_endpoint_auth_method: 'client_secret_post' });
    expect(post).toMatchObject({ token_endpoint: null, token_endpoint_auth_method: 'client_secret_post' });
  });

  it.each([
    ['a token endpoint that is not a URL', { toolkit: 'oauth2', revocation_endpoint: 'https://idp.example.com/revoke', client_id: 'a', client_secret: 'b', token_endpoint: 'idp/token' }, 'body.token_endpoint'],
    ['a token endpoint with credentials in it', { toolkit: 'oauth2', revocation_endpoint: 'https://idp.example.com/revoke', client_id: 'a', client_secret: 'b', token_endpoint: 'https://u:p@idp.example.com/token' }, 'body.token_endpoint'],
    ['an unknown client auth method', { toolkit: 'google', token_endpoint_auth_method: 'private_key_jwt' }, 'body.token_endpoint_auth_method'],
    ['a token endpoint on an api_key auth config', { toolkit: 'openai', auth_scheme: 'api_key', client_id: undefined, client_secret: undefined, token_endpoint: 'https://idp.example.com/token' }, 'body.token_endpoint'],
  ])('rejects %s with 400 naming the field', async (_label, body, field) => {
    expectFieldError(await t.request('POST', '/api/v1/auth_configs', { headers: auth(), body: { auth_scheme: 'oauth2', ...body } }), field);
  });

  it('a connection carrying a refresh token needs a token endpoint to refresh it at (toolkit oauth2 without one: 400)', async () => {
    const noEndpoint = await t.seed.authConfig(project.apiKey, { toolkit: 'oauth2', client_id: 'a', client_secret: 'b', revocation_endpoint: 'https://idp.example.com/revoke' });
    const body = (credentials: Json) => ({ auth_config_id: noEndpoint.id, user_id: 'u', credentials });
    expectFieldError(await t.request('POST', '/api/v1/connected_accounts', { headers: auth(), body: body({ access_token: 'a', refresh_token: 'r' }) }), 'body.credentials.refresh_token');
    expect((await t.request('POST', '/api/v1/connected_accounts', { headers: auth(), body: body({ access_token: 'a' }) })).status).toBe(201);
  });
});

it('no token, key or client secret appears in any log line, nor in any answer but GET .../token', () => {
  expectNoSecrets(t.logs, secrets);
  const others = t.exchanges.filter((e) => !e.path.endsWith('/token')).map((e) => e.text);
  expectNoSecrets(others, [...credentialSecrets, CLIENT.clientSecret]);
});
