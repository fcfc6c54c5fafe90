import { apiKeyHeader, badIds, bearer, expectAuthRequired, expectError, expectFieldError, expectNoSecrets, expectNoServerErrors, testSecret, walkPages } from '@at/testkit';
import { startTestApollo, type SeededProject, type TestApollo } from '../../../../../test/test-apollo';

let t: TestApollo;
let project: SeededProject;
let sibling: SeededProject; // same org, another project
let foreign: SeededProject; // another org
const clientSecrets: string[] = [];
const tokens: string[] = [];

beforeAll(async () => {
  t = await startTestApollo();
  const org = await t.seed.org('acme');
  const otherOrg = await t.seed.org('globex');
  project = await t.seed.project(org.adminToken);
  sibling = await t.seed.project(org.adminToken);
  foreign = await t.seed.project(otherOrg.adminToken);
  tokens.push(org.adminToken, otherOrg.adminToken, project.apiKey, sibling.apiKey, foreign.apiKey);
});
afterAll(async () => t?.stop());

const auth = (p: SeededProject = project) => apiKeyHeader(p.apiKey);

async function createConfig(p: SeededProject = project, overrides: Record<string, unknown> = {}) {
  const config = await t.seed.authConfig(p.apiKey, overrides);
  if (config.client_secret_sent) clientSecrets.push(config.client_secret_sent);
  return config;
}

const post = (body: unknown) => t.request('POST', '/api/v1/auth_configs', { headers: auth(), body });

it('every auth config route rejects a missing or wrong API key with 401', async () => {
  const config = await createConfig();
  await expectAuthRequired(
    t,
    [
      { method: 'POST', path: '/api/v1/auth_configs', body: { toolkit: 'google', auth_scheme: 'oauth2' } },
      { method: 'GET', path: '/api/v1/auth_configs' },
      { method: 'GET', path: `/api/v1/auth_configs/${config.id}` },
      { method: 'DELETE', path: `/api/v1/auth_configs/${config.id}` },
    ],
    [apiKeyHeader('atk_wrong'), apiKeyHeader('x'.repeat(300)), bearer(project.apiKey), { 'x-api-key': '' }],
  );
});

describe('POST /api/v1/auth_configs', () => {
  it('creates a config and seals the client secret; the secret is never returned', async () => {
    const secret = testSecret('client-secret');
    clientSecrets.push(secret);
    const res = await post({ toolkit: 'github', auth_scheme: 'oauth2', client_id: ' gh-client ', client_secret: secret });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^ac_/),
      project_id: project.id,
      toolkit: 'github',
      auth_scheme: 'oauth2',
      client_id: 'gh-client',
      has_client_secret: true,
      revocation_endpoint: null,
      token_endpoint: null,
      token_endpoint_auth_method: 'client_secret_basic',
      issuer: null,
      authorization_endpoint: null,
      pushed_authorization_request_endpoint: null,
      authorization_response_iss_parameter_supported: false,
      scopes: [],
      authorize_params: null,
      parameters: null,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    const row = await t.db.authConfig.findUniqueOrThrow({ where: { id: res.body.id } });
    expect(row.orgId).toBe((await t.db.project.findUniqueOrThrow({ where: { id: project.id } })).orgId);
    expect(JSON.stringify(row.clientSecretSealed)).not.toContain(secret);
    expect(t.apollo.context.vault.openJson<string>(row.clientSecretSealed, res.body.id)).toBe(secret);
  });

  it.each([
    ['generic oauth2 with its revocation endpoint', { toolkit: 'oauth2', auth_scheme: 'oauth2', client_id: 'c', client_secret: 's3cr3t-generic', revocation_endpoint: 'http://127.0.0.1:9/revoke' }],
    ['google without client credentials', { toolkit: 'google', auth_scheme: 'oauth2' }],
    ['an API key toolkit', { toolkit: 'openai', auth_scheme: 'api_key' }],
    ['a catalog RFC 7009 toolkit with its client credentials', { toolkit: 'asana', auth_scheme: 'oauth2', client_id: 'c', client_secret: 's3cr3t-asana' }],
    ['a toolkit offering both schemes, with an API key', { toolkit: 'airtable', auth_scheme: 'api_key' }],
    ['a toolkit with a per-tenant host, with its value', { toolkit: 'okta', auth_scheme: 'oauth2', client_id: 'c', client_secret: 's3cr3t-okta', parameters: { okta_domain: 'acme.okta.com' } }],
    ['a toolkit with a per-tenant path segment, with its value', { toolkit: 'microsoft', auth_scheme: 'oauth2', parameters: { tenant: 'organizations' } }],
  ])('accepts %s', async (_label, body) => {
    if ('client_secret' in body) clientSecrets.push(body.client_secret);
    const res = await post(body);
    expect(res.status).toBe(201);
    expect(res.body).toEqual(expect.objectContaining({ toolkit: body.toolkit, auth_scheme: body.auth_scheme, has_client_secret: 'client_secret' in body, parameters: 'parameters' in body ? body.parameters : null }));
  });

  it.each([
    ['an unknown field', { toolkit: 'google', auth_scheme: 'oauth2', scope: 'a' }, 'body.scope'],
    ['scopes on an api_key config', { toolkit: 'notion', auth_scheme: 'api_key', scopes: ['a'] }, 'body.scopes'],
    ['an issuer on an api_key config', { toolkit: 'notion', auth_scheme: 'api_key', issuer: 'https://login.example.com' }, 'body.issuer'],
    ['a scope with a space', { toolkit: 'google', auth_scheme: 'oauth2', scopes: ['a b'] }, 'body.scopes.0'],
    ['an authorize parameter apollo owns', { toolkit: 'google', auth_scheme: 'oauth2', authorize_params: { state: 'x' } }, 'body.authorize_params'],
    ['an issuer with a query', { toolkit: 'google', auth_scheme: 'oauth2', issuer: 'https://login.example.com/?a=1' }, 'body.issuer'],
    ['an issuer whose metadata cannot be read', { toolkit: 'google', auth_scheme: 'oauth2', issuer: 'http://127.0.0.1:1' }, 'body.issuer'],
    ['a relative authorization endpoint', { toolkit: 'google', auth_scheme: 'oauth2', authorization_endpoint: '/authorize' }, 'body.authorization_endpoint'],
    ['an unknown toolkit', { toolkit: 'myspace', auth_scheme: 'oauth2' }, 'body.toolkit'],
    ['a missing toolkit', { auth_scheme: 'oauth2' }, 'body.toolkit'],
    ['a toolkit of the wrong type', { toolkit: 7, auth_scheme: 'oauth2' }, 'body.toolkit'],
    ['an unknown auth scheme', { toolkit: 'google', auth_scheme: 'basic' }, 'body.auth_scheme'],
    ['a missing auth scheme', { toolkit: 'google' }, 'body.auth_scheme'],
    ['generic oauth2 without a revocation endpoint', { toolkit: 'oauth2', auth_scheme: 'oauth2', client_id: 'c', client_secret: 's' }, 'body.revocation_endpoint'],
    ['a relative revocation endpoint', { toolkit: 'oauth2', auth_scheme: 'oauth2', client_id: 'c', client_secret: 's', revocation_endpoint: '/revoke' }, 'body.revocation_endpoint'],
    ['a non-http revocation endpoint', { toolkit: 'oauth2', auth_scheme: 'oauth2', client_id: 'c', client_secret: 's', revocation_endpoint: 'ftp://host/revoke' }, 'body.revocation_endpoint'],
    ['a revocation endpoint with credentials', { toolkit: 'oauth2', auth_scheme: 'oauth2', client_id: 'c', client_secret: 's', revocation_endpoint: 'https://u:p@host/revoke' }, 'body.revocation_endpoint'],
    ['a revocation endpoint over 2048 characters', { toolkit: 'oauth2', auth_scheme: 'oauth2', client_id: 'c', client_secret: 's', revocation_endpoint: `https://host/${'a'.repeat(2040)}` }, 'body.revocation_endpoint'],
    ['github oauth2 without a client secret', { toolkit: 'github', auth_scheme: 'oauth2', client_id: 'c' }, 'body.client_secret'],
    ['notion oauth2 without a client id', { toolkit: 'notion', auth_scheme: 'oauth2', client_secret: 's' }, 'body.client_id'],
    ['an auth scheme the toolkit does not support (Atlassian is OAuth only)', { toolkit: 'atlassian', auth_scheme: 'api_key' }, 'body.auth_scheme'],
    ['oauth2 for an API-key-only toolkit', { toolkit: 'openai', auth_scheme: 'oauth2' }, 'body.auth_scheme'],
    ['a catalog toolkit whose revocation authenticates the client, without a secret', { toolkit: 'asana', auth_scheme: 'oauth2', client_id: 'c' }, 'body.client_secret'],
    ['an API key scheme with a client secret', { toolkit: 'openai', auth_scheme: 'api_key', client_secret: 's' }, 'body.client_secret'],
    ['a client id with a control character', { toolkit: 'google', auth_scheme: 'oauth2', client_id: 'a\u0007b' }, 'body.client_id'],
    ['an empty client secret', { toolkit: 'google', auth_scheme: 'oauth2', client_secret: '' }, 'body.client_secret'],
    ['a toolkit with a per-tenant host, without its value', { toolkit: 'okta', auth_scheme: 'oauth2', client_id: 'c', client_secret: 's' }, 'body.parameters.okta_domain'],
    ['a per-tenant value the toolkit does not take', { toolkit: 'okta', auth_scheme: 'oauth2', client_id: 'c', client_secret: 's', parameters: { okta_domain: 'acme.okta.com', shop: 'x' } }, 'body.parameters.shop'],
    ['per-tenant values for a toolkit without any', { toolkit: 'google', auth_scheme: 'oauth2', parameters: { tenant: 'x' } }, 'body.parameters.tenant'],
    ['per-tenant values for generic oauth2', { toolkit: 'oauth2', auth_scheme: 'oauth2', client_id: 'c', client_secret: 's', revocation_endpoint: 'https://idp.example.com/revoke', parameters: { okta_domain: 'x' } }, 'body.parameters.okta_domain'],
    ['a host value with a path', { toolkit: 'okta', auth_scheme: 'oauth2', client_id: 'c', client_secret: 's', parameters: { okta_domain: 'evil.example/steal?' } }, 'body.parameters.okta_domain'],
    ['a host value with a port', { toolkit: 'shopify', auth_scheme: 'oauth2', client_id: 'c', client_secret: 's', parameters: { shop: 'acme:8443' } }, 'body.parameters.shop'],
    ['a host value with credentials', { toolkit: 'zendesk', auth_scheme: 'oauth2', client_id: 'c', client_secret: 's', parameters: { subdomain: 'u:p@evil' } }, 'body.parameters.subdomain'],
    ['a per-tenant value with a control character', { toolkit: 'microsoft', auth_scheme: 'oauth2', parameters: { tenant: 'a\u0000b' } }, 'body.parameters.tenant'],
    ['an empty per-tenant value', { toolkit: 'microsoft', auth_scheme: 'oauth2', parameters: { tenant: ' ' } }, 'body.parameters.tenant'],
    ['a per-tenant value of the wrong type', { toolkit: 'microsoft', auth_scheme: 'oauth2', parameters: { tenant: 7 } }, 'body.parameters.tenant'],
  ])('rejects %s with 400 naming the field', async (_label, body, field) => {
    expectFieldError(await post(body), field);
  });

  it('rejects malformed JSON with 400 and other media types with 415', async () => {
    expectError(await t.request('POST', '/api/v1/auth_configs', { headers: { ...auth(), 'content-type': 'application/json' }, rawBody: '{"toolkit":"google",}' }), 400, 'invalid_json');
    expectError(await t.request('POST', '/api/v1/auth_configs', { headers: { ...auth(), 'content-type': 'text/plain' }, rawBody: 'toolkit=google' }), 415, 'unsupported_media_type');
  });
});

describe('GET and DELETE by id', () => {
  it('returns a config of the project', async () => {
    const config = await createConfig();
    const res = await t.request('GET', `/api/v1/auth_configs/${config.id}`, { headers: auth() });
    expect(res.status).toBe(200);
    const { client_secret_sent: _sent, ...created } = config;
    expect(res.body).toEqual(created);
  });

  it('is 404 for a config of another project (same org or not) and for an unknown id', async () => {
    const theirs = [await createConfig(sibling), await createConfig(foreign)];
    for (const id of [...theirs.map((c) => c.id), 'ac_00000000000000000000000000']) {
      expectError(await t.request('GET', `/api/v1/auth_configs/${id}`, { headers: auth() }), 404, 'not_found');
      expectError(await t.request('DELETE', `/api/v1/auth_configs/${id}`, { headers: auth() }), 404, 'not_found');
    }
    for (const config of theirs) expect((await t.db.authConfig.findUniqueOrThrow({ where: { id: config.id } })).deletedAt).toBeNull();
  });

  it.each(badIds('ac'))('rejects the malformed id %s with 400 on path.id', async (id) => {
    expectFieldError(await t.request('GET', `/api/v1/auth_configs/${id}`, { headers: auth() }), 'path.id');
    expectFieldError(await t.request('DELETE', `/api/v1/auth_configs/${id}`, { headers: auth() }), 'path.id');
  });
});

describe('GET /api/v1/auth_configs', () => {
  it('walks 7 configs 3 at a time in 3 pages without duplicates, only its own project', async () => {
    const org = await t.seed.org('pager');
    const pager = await t.seed.project(org.adminToken);
    tokens.push(org.adminToken, pager.apiKey);
    const ids: string[] = [];
    for (let i = 0; i < 7; i += 1) ids.push((await createConfig(pager)).id);
    await createConfig(project);
    const pages = await walkPages(t, '/api/v1/auth_configs?limit=3', auth(pager));
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
    expect(pages.flat().map((c) => c.id)).toEqual(ids);
  });

  it('rejects limit=1000, a forged cursor and a cursor of another project with 400', async () => {
    expectFieldError(await t.request('GET', '/api/v1/auth_configs?limit=1000', { headers: auth() }), 'query.limit');
    expectFieldError(await t.request('GET', '/api/v1/auth_configs?cursor=YWNfMQ.AAAAAAAAAAAAAAAAAAAAAA', { headers: auth() }), 'query.cursor');
    await createConfig(sibling);
    await createConfig(sibling);
    const theirs = await t.request('GET', '/api/v1/auth_configs?limit=1', { headers: auth(sibling) });
    expectFieldError(await t.request('GET', `/api/v1/auth_configs?cursor=${encodeURIComponent(theirs.body.next_cursor)}`, { headers: auth() }), 'query.cursor');
  });
});

describe('DELETE /api/v1/auth_configs/{id}', () => {
  it('soft-deletes: 200 not_requested, then 404, absent from the list, row kept, nothing else touched', async () => {
    const doomed = await createConfig();
    const kept = await createConfig();
    const account = await t.seed.connectedAccount(project.apiKey, doomed.id);
    tokens.push(...(Object.values(account.credentials_sent) as string[]));

    const res = await t.request('DELETE', `/api/v1/auth_configs/${doomed.id}`, { headers: auth() });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: doomed.id, deleted: true, revocation: 'not_requested' });

    expectError(await t.request('GET', `/api/v1/auth_configs/${doomed.id}`, { headers: auth() }), 404, 'not_found');
    const listed = (await walkPages(t, '/api/v1/auth_configs?limit=100', auth())).flat().map((c) => c.id);
    expect(listed).not.toContain(doomed.id);
    expect(listed).toContain(kept.id);
    expect((await t.db.authConfig.findUniqueOrThrow({ where: { id: doomed.id } })).deletedAt).toBeInstanceOf(Date);
    expect((await t.db.authConfig.findUniqueOrThrow({ where: { id: kept.id } })).deletedAt).toBeNull();
    // no cascade
    expect((await t.db.connectedAccount.findUniqueOrThrow({ where: { id: account.id } })).deletedAt).toBeNull();
    expectError(await t.request('DELETE', `/api/v1/auth_configs/${doomed.id}`, { headers: auth() }), 404, 'not_found');
    // a deleted config takes no new connections
    expectError(
      await t.request('POST', '/api/v1/connected_accounts', { headers: auth(), body: { auth_config_id: doomed.id, user_id: 'u', credentials: { access_token: 'x' } } }),
      404,
      'not_found',
    );
  });

  it('rejects a bad revoke_on_delete value', async () => {
    const config = await createConfig();
    expectFieldError(await t.request('DELETE', `/api/v1/auth_configs/${config.id}?revoke_on_delete=1`, { headers: auth() }), 'query.revoke_on_delete');
  });
});

it('no client secret appears in any response; no secret in the logs; no 5xx', () => {
  expectNoSecrets(
    t.exchanges.map((e) => e.text),
    clientSecrets,
  );
  expectNoSecrets(t.logs, [...clientSecrets, ...tokens]);
  expectNoServerErrors(t);
});
