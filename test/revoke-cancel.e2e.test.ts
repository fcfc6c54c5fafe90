/**
 * Cancelling a revoke job through both public surfaces, against a real RFC 7009 provider server:
 * calls in flight finish and are recorded, nothing is sent for the rest (they end `cancelled`),
 * the job ends `cancelled`, and a retry takes the cancelled connections.
 */
import { createProviderServer, type ProviderServer } from '@at/devstack';
import { providerAuthConfig, providerConnections, type ProviderConnections } from './support/provider-seed';
import { logResponses, type ResponseLog } from './support/response-log';
import { allResults, seedTenant, waitForJob, type Tenant } from './support/seed';
import { startStack, type Stack } from './support/stack';

const CLIENT = { clientId: 'cancel-app', clientSecret: 'cancel-app-secret-0123456789' };

type Job = { id: string; status: string; counts: Record<string, number>; failure: unknown; retrying: unknown };

let stack: Stack;
let log: ResponseLog;
let provider: ProviderServer;
let tenant: Tenant;
let other: Tenant;

beforeAll(async () => {
  provider = await createProviderServer({ clients: [CLIENT] });
  stack = await startStack({
    thermosEnv: { REVOKE_CONCURRENCY: '2', PROVIDER_RATE_LIMITS: JSON.stringify({ oauth2: 0 }) },
    apolloEnv: { REVOKE_PAGE_SIZE: '5', REVOKE_PAGE_PARALLELISM: '1' },
  });
  log = logResponses(stack);
  [tenant, other] = await Promise.all([seedTenant(stack, 'cancel'), seedTenant(stack, 'other')]);
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await provider?.close();
});

afterEach(() => provider.setFaults({}));

const api = (t: Tenant) => ({ 'x-api-key': t.apiKey });
const dashboard = (t: Tenant) => ({ authorization: `Bearer ${t.orgToken}` });

async function connectionsOf(t: Tenant, n: number): Promise<ProviderConnections & { authConfigId: string }> {
  const authConfigId = await providerAuthConfig(stack, t.apiKey, provider, CLIENT);
  return { authConfigId, ...(await providerConnections(stack, provider, CLIENT, authConfigId, n)) };
}

async function statusesOf(ids: string[]): Promise<Record<string, string>> {
  const rows = await stack.db.db.connectedAccount.findMany({ where: { id: { in: ids } }, select: { id: true, status: true } });
  return Object.fromEntries(rows.map((r) => [r.id, r.status]));
}

/** Waits until some connections are revoked and some are still to do. */
async function midJob(ids: string[]): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const statuses = Object.values(await statusesOf(ids));
    if (statuses.filter((s) => s === 'revoked').length >= 2 && statuses.filter((s) => s === 'active').length >= 5) return;
    if (Date.now() > deadline) throw new Error(`never mid-job: ${JSON.stringify(statuses)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('cancel needs credentials on both surfaces (401 in the error shape)', async () => {
  for (const path of ['/api/v1/revoke_jobs/pj_01J00000000000000000000000/cancel', '/dashboard/v1/revoke_jobs/oj_01J00000000000000000000000/cancel']) {
    const res = await stack.request<{ error: Record<string, string> }>('POST', path);
    expect(res.status).toBe(401);
    expect(res.body.error).toEqual({ code: 'unauthenticated', message: expect.any(String), request_id: expect.any(String) });
  }
});

test('a malformed job id is a 400 naming the field; another owner’s job is a 404, and it keeps running', async () => {
  const bad = await stack.request<{ error: { fields: Array<{ path: string }> } }>('POST', '/api/v1/revoke_jobs/oj_nope/cancel', { headers: api(tenant) });
  expect(bad.status).toBe(400);
  expect(bad.body.error.fields.map((f) => f.path)).toEqual(['path.id']);

  const conns = await connectionsOf(other, 6);
  provider.setFaults({ latencyMs: 200 });
  const created = await stack.request<Job>('POST', '/api/v1/revoke_jobs', { headers: api(other), body: { scope: { type: 'project' } } });
  expect(created.status).toBe(202);
  const foreign = await stack.request<{ error: { code: string } }>('POST', `/api/v1/revoke_jobs/${created.body.id}/cancel`, { headers: api(tenant) });
  expect(foreign.status).toBe(404);
  expect(foreign.body.error.code).toBe('not_found');
  provider.setFaults({});
  expect(await waitForJob(stack, `/api/v1/revoke_jobs/${created.body.id}`, api(other))).toMatchObject({ status: 'completed', counts: { revoked: 6 } });
  expect(provider.check(conns.tokens)).toMatchObject({ active: 0 });
});

test('cancel mid-job: in-flight calls are recorded, nothing is sent for the rest, the job ends cancelled; retry revokes the rest', async () => {
  const conns = await connectionsOf(tenant, 30);
  provider.setFaults({ latencyMs: 250 });
  provider.resetStats();
  const created = await stack.request<Job>('POST', '/api/v1/revoke_jobs', { headers: api(tenant), body: { scope: { type: 'auth_config', id: conns.authConfigId } } });
  expect(created.status).toBe(202);
  const jobPath = `/api/v1/revoke_jobs/${created.body.id}`;
  await midJob(conns.ids);

  const cancel = await stack.request<Job>('POST', `${jobPath}/cancel`, { headers: api(tenant) });
  expect(cancel.status).toBe(202);
  expect(cancel.body).toMatchObject({ id: created.body.id, status: expect.stringMatching(/^(running|cancelled)$/) });
  // asking again while it winds down is the same answer
  const again = await stack.request<Job>('POST', `${jobPath}/cancel`, { headers: api(tenant) });
  expect([202, 409]).toContain(again.status);

  const job = (await waitForJob(stack, jobPath, api(tenant), 30_000)) as Job;
  expect(job).toMatchObject({ status: 'cancelled', failure: null, retrying: null, counts: { total: 30, pending: 0, failed: 0 } });
  expect(job.counts['cancelled']).toBeGreaterThan(0);
  expect(job.counts['revoked']! + job.counts['cancelled']!).toBe(30);

  const cancelled = await allResults(stack, jobPath, api(tenant), 'cancelled');
  const revoked = await allResults(stack, jobPath, api(tenant), 'revoked');
  expect(cancelled).toHaveLength(job.counts['cancelled']!);
  for (const item of cancelled) expect(item).toMatchObject({ outcome: 'cancelled', revoked_tokens: [] });
  const tokensOf = (items: Array<Record<string, unknown>>) =>
    items.flatMap((item) => {
      const i = conns.ids.indexOf(item['connected_account_id'] as string);
      return [conns.tokens[2 * i] as string, conns.tokens[2 * i + 1] as string];
    });
  // the provider saw two requests per revoked connection and none for a cancelled one
  expect(provider.stats().revokeRequests).toBe(2 * revoked.length);
  expect(provider.check(tokensOf(cancelled))).toMatchObject({ active: 2 * cancelled.length });
  const statuses = await statusesOf(conns.ids);
  expect(Object.values(statuses).filter((s) => s === 'revoking')).toEqual([]);
  for (const item of cancelled) expect(statuses[item['connected_account_id'] as string]).toBe('active');

  // finished: cancel is a 409; retry takes the cancelled connections
  const late = await stack.request<{ error: { code: string } }>('POST', `${jobPath}/cancel`, { headers: api(tenant) });
  expect(late.status).toBe(409);
  expect(late.body.error.code).toBe('job_finished');
  provider.setFaults({});
  const retry = await stack.request<Job & { retry_of: string }>('POST', `${jobPath}/retry`, { headers: api(tenant) });
  expect(retry.status).toBe(202);
  const retried = await waitForJob(stack, `/api/v1/revoke_jobs/${retry.body.id}`, api(tenant));
  expect(retried).toMatchObject({ status: 'completed', retry_of: created.body.id, counts: { total: cancelled.length, revoked: cancelled.length } });
  expect(provider.check(conns.tokens)).toMatchObject({ active: 0 });
}, 90_000);

test('an org job is cancelled on the dashboard; the platform API cannot see it', async () => {
  const conns = await connectionsOf(tenant, 20);
  provider.setFaults({ latencyMs: 250 });
  const created = await stack.request<Job>('POST', '/dashboard/v1/revoke_jobs', { headers: dashboard(tenant), body: { scope: { type: 'auth_config', id: conns.authConfigId } } });
  expect(created.status).toBe(202);
  await midJob(conns.ids);
  expect((await stack.request('POST', `/api/v1/revoke_jobs/${created.body.id}/cancel`, { headers: api(tenant) })).status).toBe(400);
  const cancel = await stack.request<Job>('POST', `/dashboard/v1/revoke_jobs/${created.body.id}/cancel`, { headers: dashboard(tenant) });
  expect(cancel.status).toBe(202);
  const job = await waitForJob(stack, `/dashboard/v1/revoke_jobs/${created.body.id}`, dashboard(tenant), 30_000);
  expect(job).toMatchObject({ status: 'cancelled', counts: { pending: 0 } });
  expect(Object.values(await statusesOf(conns.ids)).filter((s) => s === 'revoking')).toEqual([]);
}, 60_000);

test('no request of this file was answered 5xx', () => {
  expect(log.serverErrors()).toEqual([]);
});
