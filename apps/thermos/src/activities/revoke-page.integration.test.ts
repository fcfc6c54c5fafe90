/**
 * The page activity on its own (MockActivityEnvironment), against a real database and a real
 * provider server on loopback: idempotent re-runs, resume from heartbeat details, cancellation.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { ActivityCancellationDetails } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createLogger, newId } from '@at/common';
import { createProviderServer, type ProviderServer } from '@at/devstack';
import { createTestDatabase, type TestDatabase } from '@at/testkit';
import { createPostgresRateLimiter, createRevoker } from '@at/providers';
import { Vault } from '@at/vault';
import { ensureRun, snapshotNextPage } from '../runs/snapshot-store';
import { revokePage, type RevokePageDeps, type RevokePageProgress } from './revoke-page';
import { trackingRateLimiter } from './send-tracking';

const CLIENT = { clientId: 'page-app', clientSecret: 'page-app-secret-0123456789' };
const PAGE_SIZE = 40;
const page = (runId: string) => ({ runId, page: 0, fromSeq: 1, toSeq: PAGE_SIZE });

let database: TestDatabase;
let provider: ProviderServer;
let deps: RevokePageDeps;
const vault = Vault.fromSpec(`k1:${randomBytes(32).toString('base64')}`);

async function seedRun(connections: number): Promise<{ runId: string; tokens: string[] }> {
  const db = database.db;
  const orgId = newId('org');
  const projectId = newId('prj');
  const authConfigId = newId('ac');
  await db.org.create({ data: { id: orgId, name: 'o' } });
  await db.project.create({ data: { id: projectId, orgId, name: 'p' } });
  await db.authConfig.create({
    data: {
      id: authConfigId,
      orgId,
      projectId,
      toolkit: 'oauth2',
      authScheme: 'oauth2',
      clientId: CLIENT.clientId,
      clientSecretSealed: vault.sealJson(CLIENT.clientSecret, authConfigId),
      revocationEndpoint: `${provider.url}/revoke`,
    },
  });
  const pairs = provider.issueTokens(connections, CLIENT.clientId);
  for (const pair of pairs) {
    const id = newId('ca');
    await db.connectedAccount.create({ data: { id, orgId, projectId, authConfigId, userId: 'u' } });
    await db.credential.create({ data: { connectedAccountId: id, sealed: vault.sealJson({ type: 'oauth2', access_token: pair.access_token }, id) } });
  }
  const runId = randomUUID();
  await ensureRun(db, runId, 'revoke-project-test', PAGE_SIZE);
  for (;;) if ((await snapshotNextPage(db, runId, { kind: 'scope', scope: { type: 'project', id: projectId } }, false, 1000)).done) break;
  return { runId, tokens: pairs.map((p) => p.access_token) };
}

beforeAll(async () => {
  database = await createTestDatabase();
  provider = await createProviderServer({ clients: [CLIENT] });
  deps = {
    db: database.db,
    vault,
    // the provider server listens on plain http on loopback
    revoker: createRevoker({ retry: { budgetMs: 5_000 }, egress: { allowInsecureLoopback: true } }),
    logger: createLogger({ service: 'thermos', silent: true }),
    concurrency: 4,
  };
});

afterAll(async () => {
  await provider.close();
  await database.drop();
});

test('a re-run page sends nothing twice and loses nothing', async () => {
  const { runId, tokens } = await seedRun(PAGE_SIZE);
  const first = await new MockActivityEnvironment().run(revokePage, deps, page(runId));
  expect(first).toMatchObject({ processed: PAGE_SIZE, revoked: PAGE_SIZE });
  const callsAfterFirst = provider.stats().revokeRequests;
  const second = await new MockActivityEnvironment().run(revokePage, deps, page(runId));
  expect(second).toMatchObject({ processed: 0 });
  expect(provider.stats().revokeRequests).toBe(callsAfterFirst);
  expect(provider.check(tokens)).toMatchObject({ active: 0 });
  const counts = await database.db.revokePageCount.findUniqueOrThrow({ where: { runId_page: { runId, page: 0 } } });
  expect(counts.revoked).toBe(PAGE_SIZE);
});

test('a retried attempt resumes after the cursor of its last heartbeat', async () => {
  const { runId } = await seedRun(PAGE_SIZE);
  const resumeFrom: RevokePageProgress = { cursor: 10, counts: { processed: 10, revoked: 10, already_revoked: 0, unsupported_by_provider: 0, failed: 0 } };
  const env = new MockActivityEnvironment({ heartbeatDetails: resumeFrom });
  const counts = (await env.run(revokePage, deps, page(runId))) as Awaited<ReturnType<typeof revokePage>>;
  // the ten items before the cursor are not touched by this attempt
  expect(counts.processed).toBe(10 + PAGE_SIZE - 10);
  const untouched = await database.db.revokeItem.count({ where: { runId, outcome: 'pending' } });
  expect(untouched).toBe(10);
});

test('a page cancelled by its workflow takes no new connection, lets the calls in flight finish and records them', async () => {
  const { runId, tokens } = await seedRun(PAGE_SIZE);
  provider.setFaults({ latencyMs: 300 });
  provider.resetStats();
  let result: Awaited<ReturnType<typeof revokePage>>;
  try {
    const env = new MockActivityEnvironment();
    const running = env.run(revokePage, deps, page(runId));
    setTimeout(() => env.cancel('CANCELLED', new ActivityCancellationDetails({ cancelRequested: true })), 100);
    result = (await running) as Awaited<ReturnType<typeof revokePage>>;
  } finally {
    provider.setFaults({});
  }
  expect(result.stopped).toBe(true);
  const items = await database.db.revokeItem.findMany({ where: { runId } });
  const revoked = items.filter((i) => i.outcome === 'revoked');
  expect(items.filter((i) => i.outcome === 'failed')).toEqual([]);
  // the calls in flight when it was cancelled (one per concurrent slot) finished and were recorded
  expect(revoked.length).toBeGreaterThanOrEqual(deps.concurrency);
  expect(result.processed).toBe(revoked.length);
  expect(items.filter((i) => i.outcome === 'pending').length).toBe(PAGE_SIZE - revoked.length);
  // one request per revoked connection (access token only), none for the others
  expect(provider.stats().revokeRequests).toBe(revoked.length);
  expect(provider.check(tokens)).toMatchObject({ active: PAGE_SIZE - revoked.length });
  const statuses = await database.db.connectedAccount.findMany({ where: { id: { in: items.map((i) => i.connectedAccountId) } }, select: { status: true } });
  expect(statuses.filter((s) => s.status === 'revoking')).toEqual([]);
});

test('a page whose worker shuts down aborts the calls in flight and leaves their connections pending, never failed', async () => {
  const { runId } = await seedRun(PAGE_SIZE);
  provider.setFaults({ latencyMs: 300 });
  try {
    const env = new MockActivityEnvironment();
    const running = env.run(revokePage, deps, page(runId));
    setTimeout(() => env.cancel('WORKER_SHUTDOWN', new ActivityCancellationDetails({ workerShutdown: true })), 100);
    await expect(running).rejects.toThrow();
  } finally {
    provider.setFaults({});
  }
  const failed = await database.db.revokeItem.count({ where: { runId, outcome: 'failed' } });
  const pending = await database.db.revokeItem.findMany({ where: { runId, outcome: 'pending' } });
  expect(failed).toBe(0);
  expect(pending.length).toBeGreaterThan(0);
  // the aborted ones were counted as sent: whoever settles them knows a call may have reached the provider
  expect(pending.filter((i) => i.sends > 0).length).toBeGreaterThan(0);
});

test('a page cancelled behind a rate ceiling gives back the connections still waiting for a slot: nothing sent for them, nothing left revoking', async () => {
  const { runId, tokens } = await seedRun(PAGE_SIZE);
  const limiter = createPostgresRateLimiter(database.db);
  // 4 requests per second: most of the page's concurrent connections wait for a slot
  const capped: RevokePageDeps = { ...deps, concurrency: 8, revoker: createRevoker({ ceilings: { oauth2: 4 }, rateLimiter: trackingRateLimiter(limiter), retry: { budgetMs: 5_000 }, egress: { allowInsecureLoopback: true } }) };
  provider.resetStats();
  try {
    const env = new MockActivityEnvironment();
    const running = env.run(revokePage, capped, page(runId));
    setTimeout(() => env.cancel('CANCELLED', new ActivityCancellationDetails({ cancelRequested: true })), 1_000);
    const result = (await running) as Awaited<ReturnType<typeof revokePage>>;
    expect(result.stopped).toBe(true);
  } finally {
    limiter.close();
  }
  const items = await database.db.revokeItem.findMany({ where: { runId } });
  const revoked = items.filter((i) => i.outcome === 'revoked');
  const pending = items.filter((i) => i.outcome === 'pending');
  expect(revoked.length + pending.length).toBe(PAGE_SIZE);
  // well short of the 8 claimed at the cancel: the rest were given back without a request
  expect(revoked.length).toBeLessThan(PAGE_SIZE / 2);
  expect(provider.stats().revokeRequests).toBe(revoked.length);
  expect(provider.check(tokens)).toMatchObject({ active: pending.length });
  expect(pending.every((i) => i.sends === 0)).toBe(true);
  const held = await database.db.connectedAccount.count({ where: { id: { in: items.map((i) => i.connectedAccountId) }, status: 'revoking' } });
  expect(held).toBe(0);
});
