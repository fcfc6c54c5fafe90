/**
 * The page activity on its own (MockActivityEnvironment), against a real database and a real
 * provider server on loopback: idempotent re-runs, resume from heartbeat details, cancellation.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createLogger, newId } from '@at/common';
import { createProviderServer, type ProviderServer } from '@at/devstack';
import { createTestDatabase, type TestDatabase } from '@at/testkit';
import { createRevoker } from '@at/providers';
import { Vault } from '@at/vault';
import { ensureRun, snapshotNextPage } from '../runs/snapshot-store';
import { revokePage, type RevokePageDeps, type RevokePageProgress } from './revoke-page';

const CLIENT = { clientId: 'page-app', clientSecret: 'page-app-secret-0123456789' };
const PAGE_SIZE = 40;

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
  await ensureRun(db, runId, 'revoke-project-test');
  for (;;) if ((await snapshotNextPage(db, runId, { kind: 'scope', scope: { type: 'project', id: projectId } }, false, 1000)).done) break;
  return { runId, tokens: pairs.map((p) => p.access_token) };
}

beforeAll(async () => {
  database = await createTestDatabase();
  provider = await createProviderServer({ clients: [CLIENT] });
  deps = {
    db: database.db,
    vault,
    revoker: createRevoker({ retry: { budgetMs: 5_000 } }),
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
  const first = await new MockActivityEnvironment().run(revokePage, deps, { runId, page: 0, pageSize: PAGE_SIZE });
  expect(first).toMatchObject({ processed: PAGE_SIZE, revoked: PAGE_SIZE });
  const callsAfterFirst = provider.stats().revokeRequests;
  const second = await new MockActivityEnvironment().run(revokePage, deps, { runId, page: 0, pageSize: PAGE_SIZE });
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
  const counts = (await env.run(revokePage, deps, { runId, page: 0, pageSize: PAGE_SIZE })) as Awaited<ReturnType<typeof revokePage>>;
  // the ten items before the cursor are not touched by this attempt
  expect(counts.processed).toBe(10 + PAGE_SIZE - 10);
  const untouched = await database.db.revokeItem.count({ where: { runId, outcome: 'pending' } });
  expect(untouched).toBe(10);
});

test('a cancelled page leaves unfinished connections pending, never recorded as failed', async () => {
  const { runId } = await seedRun(PAGE_SIZE);
  provider.setFaults({ latencyMs: 300 });
  try {
    const env = new MockActivityEnvironment();
    const running = env.run(revokePage, deps, { runId, page: 0, pageSize: PAGE_SIZE });
    setTimeout(() => env.cancel(), 100);
    await expect(running).rejects.toThrow();
  } finally {
    provider.setFaults({});
  }
  const failed = await database.db.revokeItem.count({ where: { runId, outcome: 'failed' } });
  const pending = await database.db.revokeItem.count({ where: { runId, outcome: 'pending' } });
  expect(failed).toBe(0);
  expect(pending).toBeGreaterThan(0);
});
