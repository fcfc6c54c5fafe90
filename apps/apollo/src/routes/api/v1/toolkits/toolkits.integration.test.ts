import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { startOAuthServer, type OAuthServerHandle } from '@at/devstack';
import { authConfigParametersOf, catalogEntries, toolkitEntry } from '@at/providers';
import { apiKeyHeader, bearer, expectAuthRequired, expectError, expectFieldError, expectNoSecrets, expectNoServerErrors, testSecret } from '@at/testkit';
import { startTestApollo, type SeededProject, type TestApollo } from '../../../../../test/test-apollo';

// the provider files themselves, read apart from the loader, so the API is checked against the data
const CATALOG_DIR = path.resolve(__dirname, '../../../../../../../packages/providers/catalog');
type CatalogFile = {
  slug: string;
  display_name: { value: string };
  auth_schemes: { value: string[] };
  oauth2?: { token_endpoint: { value: string }; authorization_endpoint: { value: string } };
  revocation: Record<string, { value: { style: string; reason?: string } }>;
};
// in file name order, as the loader reads them
const files: CatalogFile[] = readdirSync(CATALOG_DIR)
  .sort()
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(path.join(CATALOG_DIR, f), 'utf8')) as CatalogFile);

const CLIENT = { clientId: 'toolkits-client', clientSecret: testSecret('toolkits-client') };

let t: TestApollo;
let project: SeededProject;
let oauth: OAuthServerHandle;
const secrets: string[] = [CLIENT.clientSecret];

beforeAll(async () => {
  [t, oauth] = await Promise.all([startTestApollo(), startOAuthServer({ clients: [CLIENT] })]);
  const org = await t.seed.org('toolkits');
  project = await t.seed.project(org.adminToken);
  secrets.push(org.adminToken, project.apiKey);
});
afterAll(async () => Promise.all([t?.stop(), oauth?.stop()]));

const get = (url: string) => t.request('GET', url, { headers: apiKeyHeader(project.apiKey) });
type Item = Record<string, unknown> & { slug: string; auth_schemes: string[]; revocation: Record<string, { supported: boolean; reason: string | null } | null> };

it('both toolkit routes reject a missing or wrong API key with 401', async () => {
  await expectAuthRequired(
    t,
    [
      { method: 'GET', path: '/api/v1/toolkits' },
      { method: 'GET', path: '/api/v1/toolkits/github' },
    ],
    [apiKeyHeader('atk_wrong'), bearer(project.apiKey), { 'x-api-key': '' }],
  );
});

describe('GET /api/v1/toolkits', () => {
  it('lists the built-in oauth2 toolkit first, then every catalog file, with what the file says', async () => {
    const res = await get('/api/v1/toolkits');
    expect(res.status).toBe(200);
    const items = res.body['items'] as Item[];
    expect(items.map((i) => i.slug)).toEqual(['oauth2', ...files.map((f) => f.slug)]);
    for (const file of files) {
      const item = items.find((i) => i.slug === file.slug) as Item & { display_name: string; oauth2: { token_endpoint: string; authorization_endpoint: string } | null; sources: string[] };
      expect(item.display_name).toBe(file.display_name.value);
      expect(item.auth_schemes).toEqual(file.auth_schemes.value);
      expect(item.oauth2?.token_endpoint ?? null).toBe(file.oauth2?.token_endpoint.value ?? null);
      expect(item.oauth2?.authorization_endpoint ?? null).toBe(file.oauth2?.authorization_endpoint.value ?? null);
      for (const scheme of ['oauth2', 'api_key']) {
        const revocation = file.revocation[scheme]?.value;
        expect(item.revocation[scheme]?.supported ?? null).toBe(revocation ? revocation.style !== 'none' : null);
        expect(item.revocation[scheme]?.reason ?? null).toBe(revocation?.reason ?? null);
      }
      expect(item.sources.length).toBeGreaterThan(0);
      for (const source of item.sources) expect(source).toMatch(/^https:\/\//);
    }
  });

  it('filters by auth scheme and by revocation support', async () => {
    const apiKey = (await get('/api/v1/toolkits?auth_scheme=api_key')).body['items'] as Item[];
    expect(apiKey.map((i) => i.slug)).toEqual(files.filter((f) => f.auth_schemes.value.includes('api_key')).map((f) => f.slug));
    const revocable = (await get('/api/v1/toolkits?revocable=true')).body['items'] as Item[];
    const notRevocable = (await get('/api/v1/toolkits?revocable=false')).body['items'] as Item[];
    const expected = files.filter((f) => Object.values(f.revocation).some((r) => r.value.style !== 'none')).map((f) => f.slug);
    expect(revocable.map((i) => i.slug)).toEqual(['oauth2', ...expected]);
    expect(notRevocable.length + revocable.length).toBe(files.length + 1);
    for (const item of notRevocable) expect(Object.values(item.revocation).every((r) => r === null || !r.supported)).toBe(true);
  });

  it.each([
    ['an unknown query parameter', '?page=2', 'query.page'],
    ['an unknown auth scheme', '?auth_scheme=saml', 'query.auth_scheme'],
    ['a revocable value that is not a boolean', '?revocable=yes', 'query.revocable'],
  ])('rejects %s with 400 naming it', async (_label, query, field) => {
    expectFieldError(await get(`/api/v1/toolkits${query}`), field);
  });
});

describe('GET /api/v1/toolkits/{slug}', () => {
  it('returns one toolkit as the list does, with its per-tenant values', async () => {
    const list = (await get('/api/v1/toolkits')).body['items'] as Item[];
    for (const slug of ['github', 'zendesk', 'openai', 'oauth2']) {
      const res = await get(`/api/v1/toolkits/${slug}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(list.find((i) => i.slug === slug));
    }
    const zendesk = (await get('/api/v1/toolkits/zendesk')).body;
    expect(zendesk['parameters']).toEqual([expect.objectContaining({ name: 'subdomain', required_on_auth_config: true })]);
  });

  it('is a 404 JSON error for an unknown slug, and a 400 for one that is no slug', async () => {
    expectError(await get('/api/v1/toolkits/myspace'), 404, 'not_found');
    expectFieldError(await get('/api/v1/toolkits/Bad_Slug'), 'path.slug');
    expectFieldError(await get(`/api/v1/toolkits/${'a'.repeat(65)}`), 'path.slug');
  });
});

describe('auth configs accept what the catalog says', () => {
  const post = (body: Record<string, unknown>) => t.request('POST', '/api/v1/auth_configs', { headers: apiKeyHeader(project.apiKey), body });
  const TENANT_VALUES: Record<string, string> = {
    auth0_domain: 'acme.us.auth0.com',
    okta_domain: 'acme.okta.com',
    instance: 'login',
    shop: 'acme-store',
    subdomain: 'acme',
    accounts_domain: 'accounts.zoho.eu',
    tenant: 'common',
  };
  const cases = catalogEntries()
    .filter((e) => e.data !== undefined)
    .flatMap((e) => e.authSchemes.map((scheme) => [e.slug, scheme] as const));

  it.each(cases)('toolkit %s with auth scheme %s', async (slug, scheme) => {
    const entry = toolkitEntry(slug);
    const parameters = Object.fromEntries(authConfigParametersOf(entry!).map((p) => [p.name, TENANT_VALUES[p.name] ?? 'x']));
    const body: Record<string, unknown> = { toolkit: slug, auth_scheme: scheme };
    if (scheme === 'oauth2') Object.assign(body, { client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret });
    if (Object.keys(parameters).length > 0) body['parameters'] = parameters;
    const res = await post(body);
    expect(res.status).toBe(201);
    expect(res.body).toEqual(expect.objectContaining({ toolkit: slug, auth_scheme: scheme }));
  });

  it.each(catalogEntries().filter((e) => e.authSchemes.length === 1).map((e) => [e.slug, e.authSchemes[0] === 'oauth2' ? 'api_key' : 'oauth2'] as const))(
    'refuses toolkit %s with the scheme it does not support (%s)',
    async (slug, scheme) => {
      expectFieldError(await post({ toolkit: slug, auth_scheme: scheme }), 'body.auth_scheme');
    },
  );

  it('accepts oauth2 with explicit endpoints', async () => {
    const res = await post({
      toolkit: 'oauth2',
      auth_scheme: 'oauth2',
      client_id: CLIENT.clientId,
      client_secret: CLIENT.clientSecret,
      revocation_endpoint: oauth.revocationEndpoint,
      token_endpoint: oauth.tokenEndpoint,
      authorization_endpoint: oauth.authorizationEndpoint,
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual(expect.objectContaining({ revocation_endpoint: oauth.revocationEndpoint, token_endpoint: oauth.tokenEndpoint, authorization_endpoint: oauth.authorizationEndpoint, issuer: null }));
  });

  it("accepts oauth2 with an issuer alone: the endpoints come from its RFC 8414 metadata", async () => {
    const res = await post({ toolkit: 'oauth2', auth_scheme: 'oauth2', client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret, issuer: oauth.issuer });
    expect(res.status).toBe(201);
    expect(res.body).toEqual(expect.objectContaining({ issuer: oauth.issuer, revocation_endpoint: oauth.revocationEndpoint, token_endpoint: oauth.tokenEndpoint, authorization_endpoint: oauth.authorizationEndpoint }));
  });
});

it('no secret in any response or log; no 5xx', () => {
  expectNoSecrets(
    t.exchanges.map((e) => e.text),
    [CLIENT.clientSecret],
  );
  expectNoSecrets(t.logs, secrets);
  expectNoServerErrors(t);
});
