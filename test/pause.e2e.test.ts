/**
 * The kill switches through the whole system: a project pause and the operator's pause stop
 * every provider call of a running job (it waits where it is, status running and `paused`), the
 * operator's pause beats a project resume, and resume finishes the job with exactly one outcome
 * per connection and no token revoked twice.
 */
import { createProviderServer, type ProviderServer } from '@at/devstack';
import { providerAuthConfig, providerConnections } from './support/provider-seed';
import { allResults, seedAuthConfig, seedConnection, seedTenant, waitForJob, type Tenant } from './support/seed';
import { startStack, type Stack } from './support/stack';

const CLIENT = { clientId: 'pause-app', clientSecret: 'pause-app-SECRET-0123456789' };
const N = 40;

let stack: Stack;
let provider: ProviderServer;
let tenant: Tenant;
let other: Tenant;

const api = (key: string) => ({ 'x-api-key': key });
const org = () => ({ authorization: `Bearer ${tenant.orgToken}` });
const admin = () => ({ authorization: `Bearer ${stack.env['ADMIN_TOKEN']}` });

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  provider = await createProviderServer({ clients: [CLIENT] });
  // 10 requests a second: the job takes a few seconds, long enough to pause it half way
  stack = await startStack({ thermosEnv: { PAUSE_CHECK_INTERVAL_MS: '200', PROVIDER_RATE_LIMITS: JSON.stringify({ oauth2: 10 }) } });
  tenant = await seedTenant(stack, 'pausing');
  other = await seedTenant(stack, 'bystander');
}, 120_000);
afterAll(async () => Promise.all([stack?.stop(), provider?.close()]));

test('the switches need their credentials: admin token for the operator, the org token for its own projects', async () => {
  expect((await stack.request('POST', '/admin/v1/pause', { body: { reason: 'x' } })).status).toBe(401);
  expect((await stack.request('POST', '/admin/v1/pause', { headers: org(), body: { reason: 'x' } })).status).toBe(401);
  expect((await stack.request('POST', `/dashboard/v1/projects/${tenant.projectId}/pause`, { body: {} })).status).toBe(401);
  expect((await stack.request('POST', `/dashboard/v1/projects/${tenant.projectId}/pause`, { headers: { authorization: `Bearer ${other.orgToken}` }, body: {} })).status).toBe(404);
  expect((await stack.request('GET', '/api/v1/pause_state')).status).toBe(401);
  const bad = await stack.request<{ error: { code: string } }>('POST', '/admin/v1/pause', { headers: admin(), body: {} });
  expect(bad.status).toBe(400);
});

test('pause mid-job: nothing is sent while paused, the operator beats a project resume, resume finishes with one outcome each', async () => {
  const authConfig = await providerAuthConfig(stack, tenant.apiKey, provider, CLIENT);
  const { ids } = await providerConnections(stack, provider, CLIENT, authConfig, N);
  provider.resetStats();
  const created = await stack.request('POST', '/api/v1/revoke_jobs', { headers: api(tenant.apiKey), body: { scope: { type: 'project' } } });
  expect(created.status).toBe(202);
  const jobPath = `/api/v1/revoke_jobs/${created.body['id'] as string}`;
  await until('a few requests sent', async () => (provider.stats().revokeRequests >= 5 ? true : undefined));

  const paused = await stack.request('POST', `/dashboard/v1/projects/${tenant.projectId}/pause`, { headers: org(), body: { reason: 'provider complained' } });
  expect(paused.status).toBe(200);
  expect(paused.body).toEqual({ paused: true, changed: true });
  const job = await until('the job shows paused', async () => {
    const res = await stack.request('GET', jobPath, { headers: api(tenant.apiKey) });
    return res.body['paused'] ? res.body : undefined;
  });
  expect(job).toMatchObject({ status: 'running', paused: { by: 'project', reason: 'provider complained', since: expect.any(String) } });
  expect(await stack.request('GET', '/api/v1/pause_state', { headers: api(tenant.apiKey) })).toMatchObject({
    status: 200,
    body: { operator: { paused: false, reason: null }, project: { paused: true, reason: 'provider complained', paused_at: expect.any(String) }, paused: true },
  });
  // another project is not paused
  expect((await stack.request('GET', '/api/v1/pause_state', { headers: api(other.apiKey) })).body).toMatchObject({ paused: false });

  // every worker has re-read the pause (200 ms) and the requests in flight have answered: from here nothing may leave
  await sleep(1_500);
  const sentBeforeQuiet = provider.stats().revokeRequests;
  expect(sentBeforeQuiet).toBeLessThan(N);
  await sleep(2_000);
  expect(provider.stats().revokeRequests).toBe(sentBeforeQuiet);

  // the operator pauses too; the project's resume does not lift it
  expect((await stack.request('POST', '/admin/v1/pause', { headers: admin(), body: { reason: 'incident 42' } })).body).toEqual({ paused: true, changed: true });
  expect((await stack.request('POST', `/dashboard/v1/projects/${tenant.projectId}/resume`, { headers: org(), body: {} })).body).toEqual({ paused: false, changed: true });
  expect((await stack.request('GET', '/api/v1/pause_state', { headers: api(tenant.apiKey) })).body).toMatchObject({
    operator: { paused: true, reason: 'incident 42' },
    project: { paused: false },
    paused: true,
  });
  await until('the job shows the operator pause', async () => {
    const res = await stack.request<{ paused: { by: string } | null }>('GET', jobPath, { headers: api(tenant.apiKey) });
    return res.body.paused?.by === 'operator' ? true : undefined;
  });
  await sleep(2_000);
  expect(provider.stats().revokeRequests).toBe(sentBeforeQuiet);
  expect((await stack.request('GET', jobPath, { headers: api(tenant.apiKey) })).body['status']).toBe('running');

  expect((await stack.request('POST', '/admin/v1/resume', { headers: admin(), body: {} })).body).toEqual({ paused: false, changed: true });
  const done = await waitForJob(stack, jobPath, api(tenant.apiKey));
  expect(done).toMatchObject({ status: 'completed', counts: { total: N, pending: 0, revoked: N, failed: 0 }, paused: null });
  const results = await allResults(stack, jobPath, api(tenant.apiKey));
  expect(results).toHaveLength(N);
  expect(new Set(results.map((r) => r['connected_account_id']))).toEqual(new Set(ids));
  expect(results.every((r) => r['outcome'] === 'revoked')).toBe(true);
  expect(provider.stats().tokensRevokedMoreThanOnce).toBe(0);
});

test('a paused project sends no refresh: the vend of an expired token answers 503 and the connection stays active; resumed, it refreshes', async () => {
  const vending = await seedTenant(stack, 'vend-paused');
  const authConfigId = await seedAuthConfig(stack, vending.apiKey, {
    toolkit: 'oauth2', auth_scheme: 'oauth2', client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret, revocation_endpoint: `${provider.url}/revoke`, token_endpoint: `${provider.url}/token`,
  });
  const [pair] = provider.issueTokens(1, CLIENT.clientId);
  const id = await seedConnection(stack, vending.apiKey, authConfigId, { access_token: pair!.access_token, refresh_token: pair!.refresh_token, expires_at: new Date(Date.now() - 60_000).toISOString() }, 'vend-user');
  const orgOf = { authorization: `Bearer ${vending.orgToken}` };
  expect((await stack.request('POST', `/dashboard/v1/projects/${vending.projectId}/pause`, { headers: orgOf, body: { reason: 'vend test' } })).status).toBe(200);
  // apollo re-reads the pauses every 2 s
  await sleep(2_500);
  provider.resetStats();
  const paused = await stack.request<{ error: { code: string; message: string } }>('GET', `/api/v1/connected_accounts/${id}/token`, { headers: api(vending.apiKey) });
  expect(paused.status).toBe(503);
  expect(paused.body.error.message).not.toContain(pair!.access_token);
  expect(provider.stats()).toMatchObject({ refreshRequests: 0 });
  const account = await stack.request('GET', `/api/v1/connected_accounts/${id}`, { headers: api(vending.apiKey) });
  expect(account.body['status']).toBe('active');

  expect((await stack.request('POST', `/dashboard/v1/projects/${vending.projectId}/resume`, { headers: orgOf, body: {} })).status).toBe(200);
  await sleep(2_500);
  const resumed = await stack.request('GET', `/api/v1/connected_accounts/${id}/token`, { headers: api(vending.apiKey) });
  expect(resumed.status).toBe(200);
  expect(resumed.body).toMatchObject({ connected_account_id: id, refreshed: true });
  expect(provider.stats()).toMatchObject({ refreshRequests: 1 });
}, 60_000);
