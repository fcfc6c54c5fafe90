/**
 * One slow provider must not pace a whole job: an org-wide job over 2,000 connections at an
 * unlimited RFC 7009 provider and 100 at a provider capped at 5 requests per second (enforced
 * by the provider itself and configured in thermos). Each provider key gets its own lane of
 * pages, so the fast connections all finish before the slow lane is half done. Asserted on
 * order, not time; the durations are printed (docs/reliability.md records them).
 *
 * It runs on the shared test Temporal server, which suggests continuing as new every 40 events
 * (the harsh case: every few pages the run drains its pages in flight, the slow ones included).
 * LANES_OWN_TEMPORAL=1 runs it on a dev server of its own with Temporal's default thresholds.
 */
import { freePort, startTemporalServer, createProviderServer, type ProviderServer, type TemporalServerHandle } from '@at/devstack';
import { providerAuthConfig } from './support/provider-seed';
import { allResults, bulkConnections, seedTenant, waitForJob, type Tenant } from './support/seed';
import { startStack, type Stack } from './support/stack';

const FAST_CLIENT = { clientId: 'lanes-fast', clientSecret: 'lanes-fast-secret-0123456789' };
const SLOW_CLIENT = { clientId: 'lanes-slow', clientSecret: 'lanes-slow-secret-0123456789' };
const FAST = 2000;
const SLOW = 100;
const SLOW_CEILING = 5;

let stack: Stack;
let temporal: TemporalServerHandle | undefined;
let fast: ProviderServer;
let slow: ProviderServer;

beforeAll(async () => {
  fast = await createProviderServer({ clients: [FAST_CLIENT], faults: { latencyMs: 5 } });
  slow = await createProviderServer({ clients: [SLOW_CLIENT], faults: { latencyMs: 5, ceilingPerSecond: SLOW_CEILING } });
  if (process.env['LANES_OWN_TEMPORAL'] === '1') temporal = await startTemporalServer({ port: await freePort() });
  stack = await startStack({
    ...(temporal ? { temporalAddress: temporal.address } : {}),
    thermosEnv: { REVOKE_CONCURRENCY: '16', PROVIDER_RATE_LIMITS: JSON.stringify({ oauth2: 0, [`oauth2:${new URL(slow.url).origin}`]: SLOW_CEILING }) },
    apolloEnv: { REVOKE_PAGE_SIZE: '50', REVOKE_PAGE_PARALLELISM: '4' },
  });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await Promise.all([fast?.close(), slow?.close(), temporal?.stop()]);
});

const dashboard = (t: Tenant) => ({ authorization: `Bearer ${t.orgToken}` });

/** Seeds one fast connection after another with a slow one every `FAST / SLOW`, as a real org's would interleave. */
async function seedOrg(withSlow: boolean): Promise<{ tenant: Tenant; fastIds: Set<string>; slowIds: Set<string> }> {
  const tenant = await seedTenant(stack, withSlow ? 'lanes' : 'lanes-alone');
  const fastConfig = await providerAuthConfig(stack, tenant.apiKey, fast, FAST_CLIENT);
  const slowConfig = await providerAuthConfig(stack, tenant.apiKey, slow, SLOW_CLIENT);
  const keys = stack.env['VAULT_KEYS'] as string;
  const asOAuth = (pairs: Array<{ access_token: string; refresh_token: string }>) => pairs.map((p) => ({ accessToken: p.access_token, refreshToken: p.refresh_token }));
  const fastPairs = fast.issueTokens(FAST, FAST_CLIENT.clientId);
  const slowPairs = withSlow ? slow.issueTokens(SLOW, SLOW_CLIENT.clientId) : [];
  const fastIds = new Set<string>();
  const slowIds = new Set<string>();
  const step = FAST / SLOW;
  for (let i = 0; i < SLOW; i += 1) {
    for (const id of await bulkConnections(stack.db.db, keys, fastConfig, asOAuth(fastPairs.slice(i * step, (i + 1) * step)))) fastIds.add(id);
    if (withSlow) for (const id of await bulkConnections(stack.db.db, keys, slowConfig, asOAuth(slowPairs.slice(i, i + 1)))) slowIds.add(id);
  }
  return { tenant, fastIds, slowIds };
}

async function runOrgJob(tenant: Tenant) {
  const created = await stack.request<{ id: string; created_at: string }>('POST', '/dashboard/v1/revoke_jobs', { headers: dashboard(tenant), body: { scope: { type: 'org' } } });
  expect(created.status).toBe(202);
  const path = `/dashboard/v1/revoke_jobs/${created.body.id}`;
  const job = await waitForJob(stack, path, dashboard(tenant), 180_000);
  const results = await allResults(stack, path, dashboard(tenant));
  return { job, startedAt: Date.parse(created.body.created_at), results };
}

const finishedAt = (results: Array<Record<string, unknown>>, ids: Set<string>) =>
  results.filter((r) => ids.has(r['connected_account_id'] as string)).map((r) => Date.parse(r['finished_at'] as string)).sort((a, b) => a - b);

test('every fast connection is revoked before the slow provider’s lane is half done', async () => {
  const { tenant, fastIds, slowIds } = await seedOrg(true);
  const { job, startedAt, results } = await runOrgJob(tenant);
  expect(job).toMatchObject({ status: 'completed', counts: { total: FAST + SLOW, revoked: FAST + SLOW, pending: 0 } });
  const fastDone = finishedAt(results, fastIds);
  const slowDone = finishedAt(results, slowIds);
  expect(fastDone).toHaveLength(FAST);
  expect(slowDone).toHaveLength(SLOW);
  const slowHalf = slowDone[SLOW / 2 - 1] as number;
  expect(fastDone[FAST - 1]).toBeLessThan(slowHalf);
  expect(slow.stats().ceilingViolations).toBe(0);

  const alone = await seedOrg(false);
  const solo = await runOrgJob(alone.tenant);
  expect(solo.job).toMatchObject({ status: 'completed', counts: { total: FAST, revoked: FAST } });
  const soloDone = finishedAt(solo.results, alone.fastIds);
  console.log(
    [
      `lanes: ${FAST} connections at an unlimited provider + ${SLOW} at ${SLOW_CEILING} req/s (${temporal ? 'own Temporal server, default thresholds' : 'continue-as-new every 40 events'})`,
      `  fast lane with the slow one beside it: last fast connection ${(((fastDone[FAST - 1] as number) - startedAt) / 1000).toFixed(1)} s after the job started`,
      `  fast lane alone:                        last fast connection ${(((soloDone[FAST - 1] as number) - solo.startedAt) / 1000).toFixed(1)} s after the job started`,
      `  slow lane: half done at ${((slowHalf - startedAt) / 1000).toFixed(1)} s, done at ${(((slowDone[SLOW - 1] as number) - startedAt) / 1000).toFixed(1)} s`,
    ].join('\n'),
  );
}, 400_000);
