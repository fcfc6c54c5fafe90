/**
 * Durability of one run: a worker process killed with SIGKILL mid-job, then restarted, still
 * finishes the job with every connection exactly once; the run continues as new along the way
 * (the test server suggests it at 40 events); its histories replay deterministically.
 */
import { Worker } from '@temporalio/worker';
import { spawnProviderServer, type SpawnedProviderServer } from '@at/devstack';
import { fetchRunChain, workflowBundlePath } from '@at/thermos';
import { allResults, bulkConnections, seedAuthConfig, seedTenant, waitForJob, type Tenant } from './support/seed';
import { startStack, type Stack } from './support/stack';

const CLIENT = { clientId: 'durable-app', clientSecret: 'durable-app-secret-0123456789' };
const CONNECTIONS = 1500;
// Set explicitly: the bound on re-sends below is derived from them.
const TUNING = { concurrency: 8, pageParallelism: 4, maxPagesInFlight: 4, maxConcurrentActivities: 8 };
/** RFC 7009 revokes the refresh and the access token separately: two tokens per connection. */
const TOKENS_PER_CONNECTION = 2;

let stack: Stack;
let provider: SpawnedProviderServer;
let tenant: Tenant;
let tokens: Array<{ access_token: string; refresh_token: string }>;
let jobId: string;
let killedAt: { revoked: number } | undefined;

beforeAll(async () => {
  provider = await spawnProviderServer({ clients: [CLIENT], faults: { latencyMs: 20 } });
  stack = await startStack({
    workerProcess: true,
    thermosEnv: {
      PROVIDER_RATE_LIMITS: JSON.stringify({ oauth2: 0 }),
      REVOKE_CONCURRENCY: String(TUNING.concurrency),
      MAX_CONCURRENT_ACTIVITIES: String(TUNING.maxConcurrentActivities),
    },
    apolloEnv: {
      REVOKE_PAGE_SIZE: '50',
      REVOKE_PAGE_PARALLELISM: String(TUNING.pageParallelism),
      REVOKE_MAX_PAGES_IN_FLIGHT: String(TUNING.maxPagesInFlight),
    },
  });
  tenant = await seedTenant(stack, 'durable');
  const authConfigId = await seedAuthConfig(stack, tenant.apiKey, {
    toolkit: 'oauth2',
    auth_scheme: 'oauth2',
    client_id: CLIENT.clientId,
    client_secret: CLIENT.clientSecret,
    revocation_endpoint: `${provider.url}/revoke`,
  });
  tokens = await provider.control.mint(CLIENT.clientId, CONNECTIONS);
  await bulkConnections(
    stack.db.db,
    stack.env['VAULT_KEYS'] as string,
    authConfigId,
    tokens.map((t) => ({ accessToken: t.access_token, refreshToken: t.refresh_token })),
  );
}, 180_000);

afterAll(async () => {
  await stack?.stop();
  await provider?.stop();
});

const headers = () => ({ 'x-api-key': tenant.apiKey });

test('a worker killed with SIGKILL mid-job: after a restart the job completes with every connection exactly once', async () => {
  const created = await stack.request<Record<string, string>>('POST', '/api/v1/revoke_jobs', { headers: headers(), body: { scope: { type: 'project' } } });
  expect(created.status).toBe(202);
  jobId = created.body['id'] as string;

  // let it get going, then kill the worker hard
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (Date.now() > deadline) throw new Error('the job never got going');
    const job = await stack.request<{ counts: { revoked: number }; status: string }>('GET', `/api/v1/revoke_jobs/${jobId}`, { headers: headers() });
    expect(job.body.status).toBe('running');
    if (job.body.counts.revoked >= 200) {
      killedAt = { revoked: job.body.counts.revoked };
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await stack.worker?.kill();
  const atKill = await stack.request<{ counts: { revoked: number; pending: number } }>('GET', `/api/v1/revoke_jobs/${jobId}`, { headers: headers() });
  expect(atKill.body.counts.pending).toBeGreaterThan(0);
  await stack.startWorkerProcess();

  const job = await waitForJob(stack, `/api/v1/revoke_jobs/${jobId}`, headers(), 170_000);
  expect(job).toMatchObject({ status: 'completed', counts: { total: CONNECTIONS, pending: 0, revoked: CONNECTIONS, failed: 0 } });
  const results = await allResults(stack, `/api/v1/revoke_jobs/${jobId}`, headers());
  expect(results).toHaveLength(CONNECTIONS);
  expect(new Set(results.map((r) => r['connected_account_id'])).size).toBe(CONNECTIONS);
  expect(results.every((r) => r['outcome'] === 'revoked')).toBe(true);

  const check = await provider.control.check(tokens.flatMap((t) => [t.access_token, t.refresh_token]));
  expect(check.active).toBe(0);
  // Only a connection in flight at the kill (its provider answer not yet recorded) may be sent
  // again: at most the connections in flight (pages in flight x connections per page), each
  // with both of its tokens.
  const pagesInFlight = Math.min(TUNING.maxPagesInFlight, TUNING.pageParallelism, TUNING.maxConcurrentActivities);
  const stats = await provider.control.stats();
  expect(stats.tokensRevokedMoreThanOnce).toBeLessThanOrEqual(pagesInFlight * TUNING.concurrency * TOKENS_PER_CONNECTION);
  expect(killedAt?.revoked).toBeGreaterThanOrEqual(200);
}, 200_000);

async function chainHistories() {
  const job = await stack.db.db.job.findUniqueOrThrow({ where: { id: jobId } });
  return { workflowId: job.workflowId, histories: await fetchRunChain(stack.temporal, job.workflowId, job.runId) };
}

test('the run continued as new, and history stays small per connection', async () => {
  const { histories } = await chainHistories();
  expect(histories.length).toBeGreaterThan(1);
  const events = histories.reduce((sum, h) => sum + (h.history.events?.length ?? 0), 0);
  // 30 pages of 50: each page is a handful of events, far from one event per connection
  expect(events / (CONNECTIONS / 1000)).toBeLessThan(400);
});

test('every run of the chain replays deterministically against the current workflow code', async () => {
  const { workflowId, histories } = await chainHistories();
  const codePath = await workflowBundlePath();
  for (const { history } of histories) {
    await expect(Worker.runReplayHistory({ workflowBundle: { codePath } }, history, workflowId)).resolves.toBeUndefined();
  }
});
