/**
 * Provider faults during batch revocation, against real RFC 7009 provider servers on loopback:
 * transient 503/429 with Retry-After are retried to success; a rejected client fails its whole
 * auth config fast; "retry" re-runs exactly the failed connections; a provider down past the
 * retry budget fails with its error code and recovers on retry.
 */
import { createProviderServer, type ProviderServer } from '@at/devstack';
import { providerAuthConfig, providerConnections, type ProviderConnections } from './support/provider-seed';
import { logResponses, type ResponseLog } from './support/response-log';
import { allResults, seedTenant, waitForJob, type Tenant } from './support/seed';
import { startStack, type Stack } from './support/stack';

const CLIENT = { clientId: 'fault-app', clientSecret: 'fault-app-secret-0123456789' };
const REVOKE_CONCURRENCY = 4;
// the generic OAuth ceiling (20 req/s per origin) would only slow these runs down
const NO_CEILING = JSON.stringify({ oauth2: 0 });

type Job = { id: string; status: string; counts: Record<string, number>; retry_of: string | null; trigger: string; scope: Record<string, string> };

/** Few concurrent calls and a short retry budget: fail-fast bounds and budget exhaustion are observable. */
let strict: Stack;
/** A long budget and many attempts: a flaky provider is always retried to success. */
let patient: Stack;
let logs: ResponseLog[];
const providers: ProviderServer[] = [];
const provider = async () => {
  const server = await createProviderServer({ clients: [CLIENT] });
  providers.push(server);
  return server;
};

beforeAll(async () => {
  [strict, patient] = await Promise.all([
    startStack({ thermosEnv: { REVOKE_CONCURRENCY: String(REVOKE_CONCURRENCY), PROVIDER_RETRY_BUDGET_MS: '3000', PROVIDER_RATE_LIMITS: NO_CEILING } }),
    startStack({ thermosEnv: { PROVIDER_RETRY_BUDGET_MS: '30000', PROVIDER_MAX_ATTEMPTS: '50', PROVIDER_RATE_LIMITS: NO_CEILING } }),
  ]);
  logs = [logResponses(strict), logResponses(patient)];
}, 120_000);

afterAll(async () => {
  await Promise.all([strict?.stop(), patient?.stop(), ...providers.map((p) => p.close())]);
});

const apiHeaders = (tenant: Tenant) => ({ 'x-api-key': tenant.apiKey });

async function startJob(stack: Stack, tenant: Tenant, scope: Record<string, string>): Promise<string> {
  const res = await stack.request<Job>('POST', '/api/v1/revoke_jobs', { headers: apiHeaders(tenant), body: { scope } });
  expect(res.status).toBe(202);
  return res.body.id;
}

const finished = (stack: Stack, tenant: Tenant, jobId: string) => waitForJob(stack, `/api/v1/revoke_jobs/${jobId}`, apiHeaders(tenant)) as Promise<Job>;
const results = (stack: Stack, tenant: Tenant, jobId: string, outcome?: string) => allResults(stack, `/api/v1/revoke_jobs/${jobId}`, apiHeaders(tenant), outcome);
const counts = (partial: Record<string, number>) => ({ pending: 0, revoked: 0, already_revoked: 0, unsupported_by_provider: 0, failed: 0, cancelled: 0, ...partial });

describe('a provider answering 503 and 429 with Retry-After', () => {
  const N = 30;
  let flaky: ProviderServer;
  let tenant: Tenant;
  let conns: ProviderConnections;
  let job: Job;

  beforeAll(async () => {
    flaky = await provider();
    tenant = await seedTenant(patient, 'flaky');
    conns = await providerConnections(patient, flaky, CLIENT, await providerAuthConfig(patient, tenant.apiKey, flaky, CLIENT), N);
    // 0.3 rather than 0.5: a page heartbeats when a connection finishes, and a long streak of
    // failures on the last connection of a page (0.5^14) would outlast the heartbeat timeout
    flaky.setFaults({ failureRate: 0.3, retryAfterSeconds: 1 });
    job = await finished(patient, tenant, await startJob(patient, tenant, { type: 'project' }));
  }, 120_000);

  test('every connection ends revoked, and the provider reports every token inactive', async () => {
    expect(job).toMatchObject({ status: 'completed', counts: counts({ total: N, revoked: N }) });
    const items = await results(patient, tenant, job.id);
    expect(items.map((r) => r['connected_account_id']).sort()).toEqual([...conns.ids].sort());
    for (const item of items) expect(item).toMatchObject({ outcome: 'revoked', revoked_tokens: ['access', 'refresh'], error_code: null });
    expect(flaky.check(conns.tokens)).toMatchObject({ active: 0, inactive: 2 * N, unknown: 0 });
  });

  test('the failures were retried: the provider saw every call once plus one request per injected failure', () => {
    const stats = flaky.stats();
    const injected = stats.byOutcome.injected_failure;
    expect(injected).toBeGreaterThan(0);
    expect(stats.byStatus['503']).toBeGreaterThan(0);
    expect(stats.byStatus['429']).toBeGreaterThan(0);
    // refresh first (kills the grant), then access: two processed calls per connection
    expect(stats.byOutcome.revoked).toBe(N);
    expect(stats.byOutcome.already_inactive).toBe(N);
    expect(stats.revokeRequests).toBe(2 * N + injected);
    expect(stats.revokeRequests).toBeGreaterThan(2 * N);
    expect(stats.tokensRevokedMoreThanOnce).toBe(0);
  });
});

describe('a provider rejecting the client (401 invalid_client)', () => {
  const BROKEN = 200;
  const HEALTHY = 10;
  let broken: ProviderServer;
  let healthy: ProviderServer;
  let tenant: Tenant;
  let brokenConns: ProviderConnections;
  let healthyConns: ProviderConnections;
  let job: Job;

  beforeAll(async () => {
    [broken, healthy] = await Promise.all([provider(), provider()]);
    tenant = await seedTenant(strict, 'broken-client');
    brokenConns = await providerConnections(strict, broken, CLIENT, await providerAuthConfig(strict, tenant.apiKey, broken, CLIENT), BROKEN);
    healthyConns = await providerConnections(strict, healthy, CLIENT, await providerAuthConfig(strict, tenant.apiKey, healthy, CLIENT), HEALTHY);
    broken.setFaults({ invalidClient: true });
    job = await finished(strict, tenant, await startJob(strict, tenant, { type: 'project' }));
  }, 120_000);

  test('every connection of that auth config fails with invalid_client; the healthy auth config is revoked', async () => {
    expect(job).toMatchObject({ status: 'completed', counts: counts({ total: BROKEN + HEALTHY, revoked: HEALTHY, failed: BROKEN }) });
    const failed = await results(strict, tenant, job.id, 'failed');
    expect(failed.map((r) => r['connected_account_id']).sort()).toEqual([...brokenConns.ids].sort());
    for (const item of failed) expect(item).toMatchObject({ outcome: 'failed', error_code: 'invalid_client', revoked_tokens: [] });
    const revoked = await results(strict, tenant, job.id, 'revoked');
    expect(revoked.map((r) => r['connected_account_id']).sort()).toEqual([...healthyConns.ids].sort());
    expect(healthy.check(healthyConns.tokens)).toMatchObject({ active: 0, inactive: 2 * HEALTHY });
    expect(broken.check(brokenConns.tokens)).toMatchObject({ active: 2 * BROKEN, inactive: 0 });
  });

  test('fails fast: at most one request per concurrent slot reached the provider, not one per connection', () => {
    const stats = broken.stats();
    expect(stats.revokeRequests).toBeGreaterThanOrEqual(1);
    expect(stats.revokeRequests).toBeLessThanOrEqual(REVOKE_CONCURRENCY);
    expect(stats.byOutcome.invalid_client).toBe(stats.revokeRequests);
  });

  test('retry re-runs exactly the failed connections, and the healthy provider hears nothing of it', async () => {
    broken.setFaults({});
    const healthyBefore = healthy.stats().revokeRequests;
    const res = await strict.request<Job & { deduplicated: boolean }>('POST', `/api/v1/revoke_jobs/${job.id}/retry`, { headers: apiHeaders(tenant) });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ retry_of: job.id, trigger: 'retry', status: 'running', deduplicated: false, scope: { type: 'project', id: tenant.projectId } });
    expect(res.body.id).toMatch(/^pj_/);
    expect(res.body.id).not.toBe(job.id);

    const retried = await finished(strict, tenant, res.body.id);
    expect(retried).toMatchObject({ status: 'completed', retry_of: job.id, trigger: 'retry', counts: counts({ total: BROKEN, revoked: BROKEN }) });
    const items = await results(strict, tenant, retried.id);
    expect(items.map((r) => r['connected_account_id']).sort()).toEqual([...brokenConns.ids].sort());
    for (const item of items) expect(item).toMatchObject({ outcome: 'revoked', revoked_tokens: ['access', 'refresh'] });
    expect(broken.check(brokenConns.tokens)).toMatchObject({ active: 0, inactive: 2 * BROKEN });
    expect(healthy.stats().revokeRequests).toBe(healthyBefore);

    // the original job keeps its own results; the retry has nothing left to retry
    expect(await finished(strict, tenant, job.id)).toMatchObject({ counts: counts({ total: BROKEN + HEALTHY, revoked: HEALTHY, failed: BROKEN }) });
    const again = await strict.request<{ error: { code: string } }>('POST', `/api/v1/revoke_jobs/${retried.id}/retry`, { headers: apiHeaders(tenant) });
    expect(again.status).toBe(422);
    expect(again.body.error.code).toBe('nothing_to_retry');
  });
});

test('retrying a job that is still running is a 409 job_running', async () => {
  const slow = await provider();
  slow.setFaults({ latencyMs: 3000 });
  const tenant = await seedTenant(strict, 'slow');
  const conns = await providerConnections(strict, slow, CLIENT, await providerAuthConfig(strict, tenant.apiKey, slow, CLIENT), 2);
  const jobId = await startJob(strict, tenant, { type: 'project' });

  const res = await strict.request<{ error: { code: string; message: string; request_id: string } }>('POST', `/api/v1/revoke_jobs/${jobId}/retry`, { headers: apiHeaders(tenant) });
  expect(res.status).toBe(409);
  expect(res.body.error).toEqual({ code: 'job_running', message: expect.any(String), request_id: expect.any(String) });
  expect(await strict.db.db.job.count({ where: { retryOfId: jobId } })).toBe(0);

  // the run itself goes on undisturbed
  expect(await finished(strict, tenant, jobId)).toMatchObject({ status: 'completed', counts: counts({ total: 2, revoked: 2 }) });
  expect(slow.check(conns.tokens)).toMatchObject({ active: 0 });
}, 60_000);

test('a provider down past the retry budget fails with provider_unavailable; a retry once it is back revokes', async () => {
  const N = 3;
  const down = await provider();
  const tenant = await seedTenant(strict, 'down');
  const authConfigId = await providerAuthConfig(strict, tenant.apiKey, down, CLIENT);
  const conns = await providerConnections(strict, down, CLIENT, authConfigId, N);
  down.setFaults({ down: true });

  const job = await finished(strict, tenant, await startJob(strict, tenant, { type: 'auth_config', id: authConfigId }));
  expect(job).toMatchObject({ status: 'completed', scope: { type: 'auth_config', id: authConfigId }, counts: counts({ total: N, failed: N }) });
  const failed = await results(strict, tenant, job.id, 'failed');
  expect(failed).toHaveLength(N);
  for (const item of failed) expect(item).toMatchObject({ outcome: 'failed', error_code: 'provider_unavailable', error_message: expect.stringMatching(/gave up after \d+ attempts/) });
  // transient errors are retried within the budget: more than one attempt per connection
  expect(down.stats().byOutcome.down).toBeGreaterThan(N);
  expect(down.stats().byOutcome.revoked).toBe(0);

  down.setFaults({});
  const retry = await strict.request<Job>('POST', `/api/v1/revoke_jobs/${job.id}/retry`, { headers: apiHeaders(tenant) });
  expect(retry.status).toBe(202);
  expect(retry.body).toMatchObject({ retry_of: job.id, trigger: 'retry' });
  const retried = await finished(strict, tenant, retry.body.id);
  expect(retried.counts).toEqual(counts({ total: N, revoked: N }));
  expect(down.check(conns.tokens)).toMatchObject({ active: 0, inactive: 2 * N });
  const accounts = await strict.db.db.connectedAccount.findMany({ where: { id: { in: conns.ids } }, include: { credential: true } });
  for (const account of accounts) expect({ status: account.status, sealed: account.credential?.sealed ?? null }).toEqual({ status: 'revoked', sealed: null });
}, 60_000);

test('no request of this file was answered 5xx', () => {
  expect(logs.flatMap((log) => log.serverErrors())).toEqual([]);
  expect(logs.reduce((n, log) => n + log.entries.length, 0)).toBeGreaterThan(20);
});
