import { apiKeyHeader, badIds, bearer, expectAuthRequired, expectError, expectFieldError, expectNoSecrets, expectNoServerErrors, testSecret, walkPages, type Json } from '@at/testkit';
import { startTestApollo, type SeededProject, type TestApollo } from '../../../../../test/test-apollo';

let t: TestApollo;
let project: SeededProject;
let sibling: SeededProject; // same org, another project
let foreign: SeededProject; // another org
let oauthConfig: Json;
let apiKeyConfig: Json;
const credentialSecrets: string[] = [];
const tokens: string[] = [];

beforeAll(async () => {
  t = await startTestApollo();
  const org = await t.seed.org('acme');
  const otherOrg = await t.seed.org('globex');
  project = await t.seed.project(org.adminToken);
  sibling = await t.seed.project(org.adminToken);
  foreign = await t.seed.project(otherOrg.adminToken);
  tokens.push(org.adminToken, otherOrg.adminToken, project.apiKey, sibling.apiKey, foreign.apiKey);
  oauthConfig = await t.seed.authConfig(project.apiKey, { toolkit: 'github', auth_scheme: 'oauth2' });
  apiKeyConfig = await t.seed.authConfig(project.apiKey, { toolkit: 'openai', auth_scheme: 'api_key', client_id: undefined, client_secret: undefined });
  tokens.push(oauthConfig.client_secret_sent);
});
afterAll(async () => t?.stop());

const auth = (p: SeededProject = project) => apiKeyHeader(p.apiKey);

function oauthCredentials(): { access_token: string; refresh_token: string } {
  const credentials = { access_token: testSecret('access'), refresh_token: testSecret('refresh') };
  credentialSecrets.push(credentials.access_token, credentials.refresh_token);
  return credentials;
}

async function connect(p: SeededProject = project, authConfigId: string = oauthConfig.id, userId?: string) {
  return t.seed.connectedAccount(p.apiKey, authConfigId, oauthCredentials(), userId);
}

const post = (body: unknown, p: SeededProject = project) => t.request('POST', '/api/v1/connected_accounts', { headers: auth(p), body });

it('every connected account route rejects a missing or wrong API key with 401', async () => {
  const account = await connect();
  await expectAuthRequired(
    t,
    [
      { method: 'POST', path: '/api/v1/connected_accounts', body: { auth_config_id: oauthConfig.id, user_id: 'u', credentials: { access_token: 'x' } } },
      { method: 'GET', path: '/api/v1/connected_accounts' },
      { method: 'GET', path: `/api/v1/connected_accounts/${account.id}` },
      { method: 'DELETE', path: `/api/v1/connected_accounts/${account.id}` },
      { method: 'GET', path: '/api/v1/connected_accounts/nope' },
    ],
    [apiKeyHeader('atk_wrong'), bearer(project.apiKey), apiKeyHeader(project.apiKey.slice(0, -1))],
  );
});

describe('POST /api/v1/connected_accounts', () => {
  it('connects an OAuth credential: sealed to the account, never returned', async () => {
    const credentials = { ...oauthCredentials(), expires_at: '2030-01-02T03:04:05+01:00' };
    const res = await post({ auth_config_id: oauthConfig.id, user_id: ' user-1 ', credentials });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^ca_/),
      auth_config_id: oauthConfig.id,
      user_id: 'user-1',
      toolkit: 'github',
      auth_scheme: 'oauth2',
      status: 'active',
      status_reason: null,
      last_refreshed_at: null,
      last_refresh_error_at: null,
      last_refresh_error: null,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    const account = await t.db.connectedAccount.findUniqueOrThrow({ where: { id: res.body.id }, include: { credential: true } });
    expect({ orgId: account.orgId, projectId: account.projectId }).toEqual({ orgId: expect.stringMatching(/^org_/), projectId: project.id });
    const sealed = account.credential?.sealed;
    for (const secret of [credentials.access_token, credentials.refresh_token]) expect(JSON.stringify(sealed)).not.toContain(secret);
    expect(t.apollo.context.vault.openJson(sealed, res.body.id)).toEqual({
      type: 'oauth2',
      access_token: credentials.access_token,
      refresh_token: credentials.refresh_token,
      expires_at: '2030-01-02T02:04:05.000Z',
    });
    expect(account.credential?.expiresAt?.toISOString()).toBe('2030-01-02T02:04:05.000Z');
    expect(() => t.apollo.context.vault.openJson(sealed, 'ca_another')).toThrow();
  });

  it('connects an API key credential under an api_key auth config', async () => {
    const apiKey = testSecret('user-api-key');
    credentialSecrets.push(apiKey);
    const res = await post({ auth_config_id: apiKeyConfig.id, user_id: 'user-2', credentials: { api_key: apiKey } });
    expect(res.status).toBe(201);
    expect(res.body).toEqual(expect.objectContaining({ toolkit: 'openai', auth_scheme: 'api_key', status: 'active' }));
    const credential = await t.db.credential.findUniqueOrThrow({ where: { connectedAccountId: res.body.id } });
    expect(JSON.stringify(credential.sealed)).not.toContain(apiKey);
    expect(t.apollo.context.vault.openJson(credential.sealed, res.body.id)).toEqual({ type: 'api_key', api_key: apiKey });
    expect(credential.expiresAt).toBeNull();
  });

  it('rejects a credential kind that does not match the auth scheme', async () => {
    expectFieldError(await post({ auth_config_id: oauthConfig.id, user_id: 'u', credentials: { api_key: 'k' } }), 'body.credentials');
    expectFieldError(await post({ auth_config_id: apiKeyConfig.id, user_id: 'u', credentials: { access_token: 'a' } }), 'body.credentials');
  });

  it.each([
    ['an unknown field', { user_id: 'u', credentials: { access_token: 'a' }, nickname: 'n' }, 'body.nickname'],
    ['an unknown credentials field', { user_id: 'u', credentials: { access_token: 'a', id_token: 'i' } }, 'body.credentials.id_token'],
    ['empty credentials', { user_id: 'u', credentials: {} }, 'body.credentials.access_token'],
    ['both kinds of credential', { user_id: 'u', credentials: { access_token: 'a', api_key: 'k' } }, 'body.credentials.access_token'],
    ['credentials of the wrong type', { user_id: 'u', credentials: 'a' }, 'body.credentials'],
    ['a token of the wrong type', { user_id: 'u', credentials: { access_token: 12 } }, 'body.credentials.access_token'],
    ['an empty token', { user_id: 'u', credentials: { access_token: '' } }, 'body.credentials.access_token'],
    ['a bad expiry', { user_id: 'u', credentials: { access_token: 'a', expires_at: 'tomorrow' } }, 'body.credentials.expires_at'],
    ['missing credentials', { user_id: 'u' }, 'body.credentials'],
    ['a missing user id', { credentials: { access_token: 'a' } }, 'body.user_id'],
    ['a user id of the wrong type', { user_id: 5, credentials: { access_token: 'a' } }, 'body.user_id'],
    ['a blank user id', { user_id: ' ', credentials: { access_token: 'a' } }, 'body.user_id'],
    ['a user id with a control character', { user_id: 'u\u001b[31m', credentials: { access_token: 'a' } }, 'body.user_id'],
    ['a user id over 256 characters', { user_id: 'u'.repeat(257), credentials: { access_token: 'a' } }, 'body.user_id'],
  ])('rejects %s with 400 naming the field', async (_label, body, field) => {
    expectFieldError(await post({ auth_config_id: oauthConfig.id, ...body }), field);
  });

  it('rejects a malformed or missing auth_config_id with 400', async () => {
    expectFieldError(await post({ auth_config_id: "ac_' OR 1=1", user_id: 'u', credentials: { access_token: 'a' } }), 'body.auth_config_id');
    expectFieldError(await post({ user_id: 'u', credentials: { access_token: 'a' } }), 'body.auth_config_id');
  });

  it('is 404 for an auth config of another project or org, or an unknown one', async () => {
    const theirs = [await t.seed.authConfig(sibling.apiKey), await t.seed.authConfig(foreign.apiKey)];
    tokens.push(...theirs.map((c) => c.client_secret_sent as string));
    for (const id of [...theirs.map((c) => c.id as string), 'ac_00000000000000000000000000']) {
      expectError(await post({ auth_config_id: id, user_id: 'u', credentials: { access_token: 'a' } }), 404, 'not_found');
    }
    expect(await t.db.connectedAccount.count({ where: { authConfigId: { in: theirs.map((c) => c.id as string) } } })).toBe(0);
  });

  it('rejects malformed JSON with 400 and other media types with 415', async () => {
    expectError(await t.request('POST', '/api/v1/connected_accounts', { headers: { ...auth(), 'content-type': 'application/json' }, rawBody: "{'user_id': 'u'}" }), 400, 'invalid_json');
    expectError(await t.request('POST', '/api/v1/connected_accounts', { headers: { ...auth(), 'content-type': 'multipart/form-data; boundary=x' }, rawBody: '--x--' }), 415, 'unsupported_media_type');
  });
});

describe('GET and DELETE by id', () => {
  it('returns an account of the project', async () => {
    const account = await connect();
    const res = await t.request('GET', `/api/v1/connected_accounts/${account.id}`, { headers: auth() });
    expect(res.status).toBe(200);
    const { credentials_sent: _sent, ...created } = account;
    expect(res.body).toEqual(created);
  });

  it('is 404 for an account of another project (same org or not) and for an unknown id', async () => {
    const siblingConfig = await t.seed.authConfig(sibling.apiKey);
    const foreignConfig = await t.seed.authConfig(foreign.apiKey);
    tokens.push(siblingConfig.client_secret_sent, foreignConfig.client_secret_sent);
    const theirs = [await connect(sibling, siblingConfig.id), await connect(foreign, foreignConfig.id)];
    for (const id of [...theirs.map((a) => a.id), 'ca_00000000000000000000000000']) {
      expectError(await t.request('GET', `/api/v1/connected_accounts/${id}`, { headers: auth() }), 404, 'not_found');
      expectError(await t.request('DELETE', `/api/v1/connected_accounts/${id}`, { headers: auth() }), 404, 'not_found');
    }
    for (const account of theirs) expect((await t.db.connectedAccount.findUniqueOrThrow({ where: { id: account.id } })).deletedAt).toBeNull();
  });

  it.each(badIds('ca'))('rejects the malformed id %s with 400 on path.id', async (id) => {
    expectFieldError(await t.request('GET', `/api/v1/connected_accounts/${id}`, { headers: auth() }), 'path.id');
    expectFieldError(await t.request('DELETE', `/api/v1/connected_accounts/${id}`, { headers: auth() }), 'path.id');
  });
});

describe('GET /api/v1/connected_accounts', () => {
  let pager: SeededProject;
  let pagerConfig: Json;
  const ids: string[] = [];

  beforeAll(async () => {
    const org = await t.seed.org('pager');
    pager = await t.seed.project(org.adminToken);
    tokens.push(org.adminToken, pager.apiKey);
    pagerConfig = await t.seed.authConfig(pager.apiKey);
    tokens.push(pagerConfig.client_secret_sent);
    for (let i = 0; i < 7; i += 1) ids.push((await connect(pager, pagerConfig.id, i < 2 ? 'alice' : `user-${i}`)).id);
  });

  it('walks 7 accounts 3 at a time in 3 pages without duplicates', async () => {
    const pages = await walkPages(t, '/api/v1/connected_accounts?limit=3', auth(pager));
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
    expect(pages.flat().map((a) => a.id)).toEqual(ids);
  });

  it('filters by auth config, user, status and toolkit', async () => {
    const other = await t.seed.authConfig(pager.apiKey, { toolkit: 'google', client_id: undefined, client_secret: undefined });
    const extra = await connect(pager, other.id, 'alice');
    const list = async (query: string) => (await walkPages(t, `/api/v1/connected_accounts?${query}`, auth(pager))).flat().map((a) => a.id);
    expect(await list(`auth_config_id=${other.id}`)).toEqual([extra.id]);
    expect(await list('user_id=alice')).toEqual([ids[0], ids[1], extra.id]);
    expect(await list(`user_id=alice&auth_config_id=${pagerConfig.id}&limit=1`)).toEqual([ids[0], ids[1]]);
    expect(await list('status=active')).toEqual([...ids, extra.id]);
    expect(await list('status=revoked')).toEqual([]);
    expect(await list(`auth_config_id=${oauthConfig.id}`)).toEqual([]);
    expect(await list('toolkit=google')).toEqual([extra.id]);
    expect(await list('toolkit=github&user_id=alice')).toEqual([ids[0], ids[1]]);
    expect(await list('toolkit=slack')).toEqual([]);
  });

  it.each([
    ['limit=1000', 'query.limit'],
    ['status=gone', 'query.status'],
    ['auth_config_id=nope', 'query.auth_config_id'],
    ['user_id=%00', 'query.user_id'],
    ['toolkit=Not%20A%20Slug', 'query.toolkit'],
    ['cursor=Y2FfMQ.AAAAAAAAAAAAAAAAAAAAAA', 'query.cursor'],
    ['include_deleted=true', 'query.include_deleted'],
  ])('rejects ?%s with 400', async (query, field) => {
    expectFieldError(await t.request('GET', `/api/v1/connected_accounts?${query}`, { headers: auth(pager) }), field);
  });

  it('rejects a cursor of another project, or of another filter, with 400', async () => {
    const first = await t.request('GET', '/api/v1/connected_accounts?limit=2', { headers: auth(pager) });
    const cursor = encodeURIComponent(first.body.next_cursor);
    expect((await t.request('GET', `/api/v1/connected_accounts?limit=2&cursor=${cursor}`, { headers: auth(pager) })).status).toBe(200);
    expectFieldError(await t.request('GET', `/api/v1/connected_accounts?cursor=${cursor}`, { headers: auth() }), 'query.cursor');
    expectFieldError(await t.request('GET', `/api/v1/connected_accounts?status=active&cursor=${cursor}`, { headers: auth(pager) }), 'query.cursor');
  });
});

describe('DELETE /api/v1/connected_accounts/{id}', () => {
  it('soft-deletes: 200 not_requested, then 404, absent from the list, rows kept, nothing else touched', async () => {
    const doomed = await connect();
    const kept = await connect();
    const res = await t.request('DELETE', `/api/v1/connected_accounts/${doomed.id}`, { headers: auth() });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: doomed.id, deleted: true, revocation: 'not_requested' });

    expectError(await t.request('GET', `/api/v1/connected_accounts/${doomed.id}`, { headers: auth() }), 404, 'not_found');
    const listed = (await walkPages(t, '/api/v1/connected_accounts?limit=100', auth())).flat().map((a) => a.id);
    expect(listed).not.toContain(doomed.id);
    expect(listed).toContain(kept.id);
    const row = await t.db.connectedAccount.findUniqueOrThrow({ where: { id: doomed.id }, include: { credential: true } });
    expect(row.deletedAt).toBeInstanceOf(Date);
    expect(row.credential?.sealed).not.toBeNull();
    expect((await t.db.connectedAccount.findUniqueOrThrow({ where: { id: kept.id } })).deletedAt).toBeNull();
    expect((await t.db.authConfig.findUniqueOrThrow({ where: { id: oauthConfig.id } })).deletedAt).toBeNull();
    expectError(await t.request('DELETE', `/api/v1/connected_accounts/${doomed.id}`, { headers: auth() }), 404, 'not_found');
  });
});

it('no token or key appears in any response or log line; no 5xx', () => {
  expectNoSecrets(
    t.exchanges.map((e) => e.text),
    credentialSecrets,
  );
  expectNoSecrets(t.logs, [...credentialSecrets, ...tokens]);
  expectNoServerErrors(t);
});
