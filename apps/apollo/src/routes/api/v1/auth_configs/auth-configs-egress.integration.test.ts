/**
 * The egress policy at create time: a revocation_endpoint thermos would refuse to call is a
 * 400 naming the field, checked on the URL and on what its host resolves to now (thermos checks
 * again at every call: DNS can change).
 */
import { apiKeyHeader, expectFieldError, expectNoServerErrors } from '@at/testkit';
import { startTestApollo, type SeededProject, type TestApollo } from '../../../../../test/test-apollo';

let strict: TestApollo;
let allowlisted: TestApollo;
let dev: TestApollo;
const projects = new Map<TestApollo, SeededProject>();

beforeAll(async () => {
  [strict, allowlisted, dev] = await Promise.all([
    startTestApollo({ env: { PROVIDER_ALLOW_INSECURE_LOOPBACK: 'false' } }),
    startTestApollo({ env: { PROVIDER_ALLOW_INSECURE_LOOPBACK: 'false', PROVIDER_ALLOWED_HOSTS: 'idp.internal:8443, 10.0.0.5' } }),
    startTestApollo(),
  ]);
  for (const t of [strict, allowlisted, dev]) {
    const org = await t.seed.org('acme');
    projects.set(t, await t.seed.project(org.adminToken));
  }
});
afterAll(async () => Promise.all([strict?.stop(), allowlisted?.stop(), dev?.stop()]));

const create = (t: TestApollo, endpoint: string) =>
  t.request('POST', '/api/v1/auth_configs', {
    headers: apiKeyHeader((projects.get(t) as SeededProject).apiKey),
    body: { toolkit: 'oauth2', auth_scheme: 'oauth2', client_id: 'c', client_secret: 's3cr3t', revocation_endpoint: endpoint },
  });

describe('by default (https to public addresses only)', () => {
  it.each([
    ['plain http', 'http://idp.example.com/revoke', /https/],
    ['plain http to loopback', 'http://127.0.0.1:9/revoke', /https/],
    ['a loopback address', 'https://127.0.0.1/revoke', /loopback/],
    ['the IPv6 loopback', 'https://[::1]/revoke', /loopback/],
    ['a loopback address in decimal', 'https://2130706433/revoke', /loopback/],
    ['the metadata service', 'https://169.254.169.254/latest/meta-data/', /link-local/],
    ['a private address', 'https://10.1.2.3/revoke', /private/],
    ['a mapped private address', 'https://[::ffff:192.168.1.1]/revoke', /private/],
    ['a unique-local address', 'https://[fd00:ec2::254]/revoke', /private/],
    ['a CGNAT address', 'https://100.100.100.200/revoke', /shared/],
    ['a name that resolves to loopback', 'https://localhost/revoke', /loopback/],
  ])('%s is a 400 naming revocation_endpoint', async (_label, endpoint, why) => {
    const res = await create(strict, endpoint);
    expectFieldError(res, 'body.revocation_endpoint');
    expect(JSON.stringify(res.body.error.fields)).toMatch(why);
  });

  it('a public https endpoint is accepted; so is a name that does not resolve yet (the call-time check decides)', async () => {
    expect((await create(strict, 'https://8.8.8.8/revoke')).status).toBe(201);
    expect((await create(strict, 'https://idp.does-not-resolve.invalid/revoke')).status).toBe(201);
  });
});

describe("per-tenant values (they fill the catalog's token and revocation hosts): the same policy", () => {
  const withTenant = (t: TestApollo, toolkit: string, parameters: Record<string, string>) =>
    t.request('POST', '/api/v1/auth_configs', {
      headers: apiKeyHeader((projects.get(t) as SeededProject).apiKey),
      body: { toolkit, auth_scheme: 'oauth2', client_id: 'c', client_secret: 's3cr3t', parameters },
    });

  it.each([
    ['an Okta domain that is a loopback address', 'okta', { okta_domain: '127.0.0.1' }, 'body.parameters.okta_domain', /loopback/],
    ['an Okta domain that resolves to loopback', 'okta', { okta_domain: 'localhost' }, 'body.parameters.okta_domain', /loopback/],
    ['an Auth0 domain that is a private address', 'auth0', { auth0_domain: '10.1.2.3' }, 'body.parameters.auth0_domain', /private/],
    ['an Auth0 domain at the metadata service', 'auth0', { auth0_domain: '169.254.169.254' }, 'body.parameters.auth0_domain', /link-local/],
  ])('%s is a 400 naming the parameter', async (_label, toolkit, parameters, field, why) => {
    const res = await withTenant(strict, toolkit, parameters);
    expectFieldError(res, field);
    expect(JSON.stringify(res.body.error.fields)).toMatch(why);
  });

  it('a public tenant host is accepted; the loopback switch opens loopback as for endpoints', async () => {
    expect((await withTenant(strict, 'okta', { okta_domain: 'acme.okta.com' })).status).toBe(201);
    expect((await withTenant(dev, 'okta', { okta_domain: 'localhost' })).status).toBe(201);
  });
});

describe('token_endpoint (where a refresh token and the client secret go): the same policy', () => {
  const withTokenEndpoint = (t: TestApollo, tokenEndpoint: string, toolkit = 'oauth2') =>
    t.request('POST', '/api/v1/auth_configs', {
      headers: apiKeyHeader((projects.get(t) as SeededProject).apiKey),
      body: { toolkit, auth_scheme: 'oauth2', client_id: 'c', client_secret: 's3cr3t', token_endpoint: tokenEndpoint, ...(toolkit === 'oauth2' ? { revocation_endpoint: 'https://8.8.8.8/revoke' } : {}) },
    });

  it.each([
    ['plain http', 'http://idp.example.com/token', /https/],
    ['a loopback address', 'https://127.0.0.1/token', /loopback/],
    ['the metadata service', 'https://169.254.169.254/latest/meta-data/', /link-local/],
    ['a private address', 'https://10.1.2.3/token', /private/],
    ['a name that resolves to loopback', 'https://localhost/token', /loopback/],
  ])('%s is a 400 naming token_endpoint (a catalog toolkit too)', async (_label, endpoint, why) => {
    for (const toolkit of ['oauth2', 'google']) {
      const res = await withTokenEndpoint(strict, endpoint, toolkit);
      expectFieldError(res, 'body.token_endpoint');
      expect(JSON.stringify(res.body.error.fields)).toMatch(why);
    }
  });

  it('a public https endpoint is accepted; the allowlist and the loopback switch open it as for revocation', async () => {
    expect((await withTokenEndpoint(strict, 'https://8.8.8.8/token')).status).toBe(201);
    expect((await withTokenEndpoint(allowlisted, 'https://10.0.0.5/token')).status).toBe(201);
    expect((await withTokenEndpoint(dev, 'http://127.0.0.1:9/token')).status).toBe(201);
  });
});

describe('PROVIDER_ALLOWED_HOSTS', () => {
  it('opens exactly the listed hosts (and ports) to private addresses, never to plain http', async () => {
    expect((await create(allowlisted, 'https://10.0.0.5/revoke')).status).toBe(201);
    expect((await create(allowlisted, 'https://idp.internal:8443/revoke')).status).toBe(201);
    expectFieldError(await create(allowlisted, 'https://10.0.0.6/revoke'), 'body.revocation_endpoint');
    expectFieldError(await create(allowlisted, 'http://10.0.0.5/revoke'), 'body.revocation_endpoint');
  });
});

describe('PROVIDER_ALLOW_INSECURE_LOOPBACK (local development and tests)', () => {
  it('allows http and https to loopback, and nothing else more', async () => {
    expect((await create(dev, 'http://127.0.0.1:9/revoke')).status).toBe(201);
    expect((await create(dev, 'http://localhost:9/revoke')).status).toBe(201);
    expectFieldError(await create(dev, 'http://idp.example.com/revoke'), 'body.revocation_endpoint');
    expectFieldError(await create(dev, 'https://10.0.0.1/revoke'), 'body.revocation_endpoint');
    expectFieldError(await create(dev, 'https://169.254.169.254/'), 'body.revocation_endpoint');
  });
});

describe('issuer (its metadata is fetched at create, and names where secrets go): the same policy', () => {
  const withIssuer = (t: TestApollo, issuer: string) =>
    t.request('POST', '/api/v1/auth_configs', {
      headers: apiKeyHeader((projects.get(t) as SeededProject).apiKey),
      body: { toolkit: 'google', auth_scheme: 'oauth2', client_id: 'c', client_secret: 's3cr3t', issuer },
    });

  it.each([
    ['plain http', 'http://idp.example.com', /https/],
    ['a loopback address', 'https://127.0.0.1', /loopback/],
    ['the metadata service', 'https://169.254.169.254', /link-local/],
    ['a private address', 'https://10.1.2.3', /private/],
  ])('%s is a 400 naming issuer, refused before anything is fetched', async (_label, issuer, why) => {
    const res = await withIssuer(strict, issuer);
    expectFieldError(res, 'body.issuer');
    expect(JSON.stringify(res.body.error.fields)).toMatch(why);
  });
});

it('no request was a 5xx', () => {
  for (const t of [strict, allowlisted, dev]) expectNoServerErrors(t);
});
