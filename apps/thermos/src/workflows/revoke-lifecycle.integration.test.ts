/**
 * How a revoke run ends, on a real Temporal server and a real Postgres with the real worker:
 * whatever a provider answers or a write does, every run ends completed, failed or cancelled
 * in bounded time, every item gets one true outcome, and no connection is left `revoking`.
 * Database faults are injected with triggers on the test's own database.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createProviderServer, type ProviderServer, type TokenPair } from '@at/devstack';
import { connectionStatuses, seedAuthConfig, seedConnections, seedTenant, startRunHarness, type RunHarness, type SeededTenant } from '../../test/run-harness';

const CLIENT = { clientId: 'lifecycle-app', clientSecret: 'lifecycle-app-secret-0123456789' };

let h: RunHarness;
let provider: ProviderServer;
const servers: http.Server[] = [];
const ownProviders: ProviderServer[] = [];

/** A provider server of the test's own: no call of an earlier test's run can reach it. */
async function ownProvider(): Promise<ProviderServer> {
  const server = await createProviderServer({ clients: [CLIENT] });
  ownProviders.push(server);
  return server;
}

beforeAll(async () => {
  provider = await createProviderServer({ clients: [CLIENT] });
  h = await startRunHarness({ REVOKE_CONCURRENCY: '2', RUN_RECONCILE_INTERVAL_MS: '1000' });
}, 120_000);

afterAll(async () => {
  await h?.stop();
  await Promise.all([provider, ...ownProviders].map((p) => p?.close()));
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
});

afterEach(async () => {
  provider.setFaults({});
  await h.db.$executeRawUnsafe('DROP TRIGGER IF EXISTS inject_fault ON connected_accounts');
  await h.db.$executeRawUnsafe('DROP TRIGGER IF EXISTS inject_fault ON revoke_items');
});

const projectScope = (tenant: SeededTenant) => ({ kind: 'scope' as const, scope: { type: 'project' as const, id: tenant.projectId } });

async function tenantWith(n: number, options: { status?: 'active' | 'needs_reauth'; userId?: (i: number) => string; endpoint?: string; provider?: ProviderServer } = {}) {
  const server = options.provider ?? provider;
  const tenant = await seedTenant(h.db);
  const authConfigId = await seedAuthConfig(h.db, h.vault, tenant, CLIENT, options.endpoint ?? `${server.url}/revoke`);
  const pairs = options.endpoint ? fakePairs(n) : server.issueTokens(n, CLIENT.clientId);
  const ids = await seedConnections(h.db, h.vault, tenant, authConfigId, pairs, options);
  return { tenant, authConfigId, ids, pairs };
}

const fakePairs = (n: number): TokenPair[] => Array.from({ length: n }, (_, i) => ({ access_token: `access-${i}-${Math.random()}`, refresh_token: `refresh-${i}-${Math.random()}` }) as TokenPair);

/** A loopback server answering every request with `body`, counting requests. */
async function answering(status: number, body: string): Promise<{ url: string; hits: () => number }> {
  let hits = 0;
  const server = http.createServer((req, res) => {
    hits += 1;
    req.resume();
    req.on('end', () => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(body);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits: () => hits };
}

/** Installs a BEFORE UPDATE trigger raising `sqlstate` when `condition` (over NEW) holds. */
async function injectFault(table: 'connected_accounts' | 'revoke_items', condition: string, sqlstate: string): Promise<void> {
  await h.db.$executeRawUnsafe(`CREATE OR REPLACE FUNCTION inject_fault() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN IF ${condition} THEN RAISE EXCEPTION 'injected fault' USING ERRCODE = '${sqlstate}'; END IF; RETURN NEW; END $$`);
  await h.db.$executeRawUnsafe(`CREATE TRIGGER inject_fault BEFORE UPDATE ON ${table} FOR EACH ROW EXECUTE FUNCTION inject_fault()`);
}

const noneRevoking = async (ids: string[]) => expect(Object.values(await connectionStatuses(h.db, ids)).filter((s) => s === 'revoking')).toEqual([]);

test('an answer that cannot be stored (NUL in the provider error text) ends the run: each connection failed, sent once, none left revoking', async () => {
  const nul = await answering(400, '{"error":"invalid_request","error_description":"bad\\u0000thing"}');
  const { tenant, ids } = await tenantWith(3, { endpoint: `${nul.url}/revoke` });
  const { workflowId, runId } = await h.startRun(projectScope(tenant));
  const run = await h.waitForEnd(workflowId, runId);
  expect(run).toMatchObject({ status: 'completed', counts: { total: 3, pending: 0, failed: 3 } });
  for (const item of await h.items(runId)) {
    expect(item.outcome).toBe('failed');
    // stored as the provider's code once provider text is sanitised at the source, else as ours
    expect(['unrecordable_result', 'invalid_request']).toContain(item.errorCode);
    expect(item.errorMessage ?? '').not.toContain('\u0000');
  }
  // invalid_request is permanent: one request per connection, never sent again
  expect(nul.hits()).toBe(3);
  expect(await connectionStatuses(h.db, ids)).toEqual(Object.fromEntries(ids.map((id) => [id, 'active'])));
});

test('a write that fails deterministically for one connection records that one failed (nothing sent) and revokes the rest', async () => {
  const { tenant, ids, pairs } = await tenantWith(6, { userId: (i) => (i === 2 ? 'poison' : `user-${i}`) });
  await injectFault('connected_accounts', "NEW.status = 'revoking' AND NEW.user_id = 'poison'", '23514');
  const { workflowId, runId } = await h.startRun(projectScope(tenant), { pageSize: 3 });
  const run = await h.waitForEnd(workflowId, runId);
  expect(run).toMatchObject({ status: 'completed', counts: { total: 6, pending: 0, revoked: 5, failed: 1 } });
  const poison = (await h.items(runId)).find((i) => i.connectedAccountId === ids[2]);
  expect(poison).toMatchObject({ outcome: 'failed', errorCode: 'unrecordable_result' });
  expect(provider.check([pairs[2]!.access_token, pairs[2]!.refresh_token])).toMatchObject({ active: 2 });
  expect((await connectionStatuses(h.db, ids))[ids[2]!]).toBe('active');
  await noneRevoking(ids);
});

test('an answer that keeps failing to be recorded is sent a bounded number of times, then recorded as outcome_unknown', async () => {
  const own = await ownProvider();
  const { tenant, ids } = await tenantWith(4, { provider: own });
  await injectFault('revoke_items', `NEW.outcome = 'revoked' AND NEW.connected_account_id = '${ids[1]}'`, 'XX000');
  const { workflowId, runId } = await h.startRun(projectScope(tenant), { pageSize: 4, maxAttempts: 10 });
  const run = await h.waitForEnd(workflowId, runId, 90_000);
  expect(run).toMatchObject({ status: 'completed', counts: { total: 4, pending: 0, revoked: 3, failed: 1 } });
  const poison = (await h.items(runId)).find((i) => i.connectedAccountId === ids[1]);
  expect(poison).toMatchObject({ outcome: 'failed', errorCode: 'outcome_unknown', sends: 3 });
  // no connection is sent more than three times, each send being two calls (refresh, access)
  expect(own.stats().revokeRequests).toBeLessThanOrEqual(4 * 3 * 2);
  await noneRevoking(ids);
}, 120_000);

test('a fault that persists past the retry policy fails the run with a reason; while it retries the run says so; nothing is left pending or revoking', async () => {
  const { tenant, ids, pairs } = await tenantWith(8, { userId: (i) => (i === 2 ? 'poison' : `user-${i}`) });
  await injectFault('connected_accounts', "NEW.status = 'revoking' AND NEW.user_id = 'poison'", 'XX000');
  const { workflowId, runId } = await h.startRun(projectScope(tenant), { pageSize: 4, pageParallelism: 1, maxAttempts: 4 });
  let retrying: { attempt: number; last_error: string } | undefined;
  const deadline = Date.now() + 90_000;
  let run;
  for (;;) {
    run = await h.run(workflowId, runId);
    if (run.retrying && run.retrying.attempt >= 2) retrying ??= run.retrying;
    if (run.status !== 'running') break;
    if (Date.now() > deadline) throw new Error(`still running: ${JSON.stringify(run)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(retrying).toMatchObject({ activity: 'revokePage', attempt: expect.any(Number), last_error: expect.stringContaining('XX000') });
  expect(run).toMatchObject({
    status: 'failed',
    failure: { code: 'retries_exhausted', message: expect.stringContaining('revokePage') },
    counts: { total: 8, pending: 0, failed: 0 },
    retrying: null,
  });
  expect(run.counts.revoked + run.counts.cancelled).toBe(8);
  const items = await h.items(runId);
  // nothing was ever sent for the poisoned connection (it could not be marked revoking), nor for any cancelled one
  expect(items.find((i) => i.connectedAccountId === ids[2])).toMatchObject({ outcome: 'cancelled', sends: 0 });
  const statuses = await connectionStatuses(h.db, ids);
  for (const item of items) {
    const i = ids.indexOf(item.connectedAccountId);
    expect(statuses[item.connectedAccountId]).toBe(item.outcome === 'revoked' ? 'revoked' : 'active');
    if (item.outcome === 'cancelled') expect(provider.check([pairs[i]!.access_token, pairs[i]!.refresh_token])).toMatchObject({ active: 2 });
  }
}, 120_000);

test('a terminated run releases its connections to the status they had, and records every item', async () => {
  const { tenant, ids, pairs } = await tenantWith(12, { status: 'needs_reauth' });
  provider.setFaults({ latencyMs: 400 });
  const { workflowId, runId, handle } = await h.startRun(projectScope(tenant), { pageSize: 4, pageParallelism: 1 });
  for (;;) {
    const statuses = Object.values(await connectionStatuses(h.db, ids));
    if (statuses.includes('revoked') && statuses.includes('revoking')) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await handle.terminate('test');
  const deadline = Date.now() + 30_000;
  let run;
  for (;;) {
    run = await h.run(workflowId, runId);
    if (run.status !== 'running' && run.counts.pending === 0) break;
    if (Date.now() > deadline) throw new Error(`not released: ${JSON.stringify(run)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  expect(run).toMatchObject({ status: 'failed', failure: { code: 'workflow_terminated' } });
  const items = await h.items(runId);
  expect(items.filter((i) => i.outcome === 'pending')).toEqual([]);
  const statuses = await connectionStatuses(h.db, ids);
  for (const item of items) {
    const i = ids.indexOf(item.connectedAccountId);
    const tokens = [pairs[i]!.access_token, pairs[i]!.refresh_token];
    if (item.outcome === 'revoked') expect(statuses[item.connectedAccountId]).toBe('revoked');
    else expect(statuses[item.connectedAccountId]).toBe('needs_reauth');
    // cancelled: nothing was sent; outcome_unknown: a call may have been in flight
    if (item.outcome === 'cancelled') expect(provider.check(tokens)).toMatchObject({ active: 2 });
    else if (item.outcome === 'failed') expect(item.errorCode).toBe('outcome_unknown');
  }
  expect(items.some((i) => i.outcome === 'cancelled')).toBe(true);
}, 60_000);

test('a terminated run nobody asks about is released by the worker on its own', async () => {
  const { tenant, ids } = await tenantWith(12);
  provider.setFaults({ latencyMs: 400 });
  const { runId, handle } = await h.startRun(projectScope(tenant), { pageSize: 4, pageParallelism: 1 });
  for (;;) {
    if (Object.values(await connectionStatuses(h.db, ids)).includes('revoking')) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await handle.terminate('test');
  // no GET of the run: only the worker's reconciler (every second here) can notice
  const deadline = Date.now() + 60_000;
  for (;;) {
    const run = await h.db.revokeRun.findUniqueOrThrow({ where: { id: runId } });
    if (run.releasedAt !== null) {
      expect(run).toMatchObject({ status: 'failed', failureCode: 'workflow_terminated' });
      break;
    }
    if (Date.now() > deadline) throw new Error('the terminated run was never released');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  expect(await h.db.revokeItem.count({ where: { runId, outcome: 'pending' } })).toBe(0);
  await noneRevoking(ids);
}, 90_000);

test('many small auth configs share one lane: pages stay full, and every connection is revoked', async () => {
  const tenant = await seedTenant(h.db);
  const ids: string[] = [];
  // 30 apps (30 provider keys) with one connection each, and one app with 12
  for (let i = 0; i < 31; i += 1) {
    const client = { clientId: `${CLIENT.clientId}-${i}`, clientSecret: CLIENT.clientSecret };
    const authConfigId = await seedAuthConfig(h.db, h.vault, tenant, client, `${provider.url}/revoke`);
    ids.push(...(await seedConnections(h.db, h.vault, tenant, authConfigId, fakePairs(i === 30 ? 12 : 1))));
  }
  const { workflowId, runId } = await h.startRun(projectScope(tenant), { pageSize: 10 });
  const run = await h.waitForEnd(workflowId, runId);
  // the provider does not know these clients: every call fails the same way, which is all this test needs
  expect(run).toMatchObject({ status: 'completed', counts: { total: 42, pending: 0 } });
  const lanes = await h.db.revokeLane.findMany({ where: { runId }, orderBy: { lane: 'asc' } });
  expect(lanes.map((l) => ({ key: l.providerKey.startsWith('oauth2:') ? 'own' : l.providerKey, items: (l.lastSeq ?? 0) - (l.firstSeq ?? 0) + 1, pages: l.pages }))).toEqual([
    { key: 'own', items: 12, pages: 2 },
    { key: 'small providers', items: 30, pages: 3 },
  ]);
  await noneRevoking(ids);
});

test('run status never follows a newer run of the same workflow id', async () => {
  const { tenant } = await tenantWith(30);
  provider.setFaults({ latencyMs: 150 });
  // one connection per page: the chain continues as new (the test server suggests it at 40 events)
  const first = await h.startRun(projectScope(tenant), { pageSize: 1, pageParallelism: 1 });
  for (;;) {
    const latest = await h.temporal.workflow.getHandle(first.workflowId).describe();
    if (latest.runId !== first.runId) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await h.temporal.workflow.getHandle(first.workflowId).terminate('test');
  // the same workflow id is reused by a new chain (a new job over the same scope)
  const second = await h.startRun(projectScope(tenant), { pageSize: 1, pageParallelism: 1 }, first.workflowId);
  expect(second.runId).not.toBe(first.runId);
  for (;;) {
    const newer = await h.run(second.workflowId, second.runId);
    if (newer.created_at !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  expect(await h.run(second.workflowId, second.runId)).toMatchObject({ status: 'running' });
  // while the newer chain runs, the terminated one says it ended
  expect(await h.run(first.workflowId, first.runId)).toMatchObject({ status: 'failed', failure: { code: 'workflow_terminated' } });
  await second.handle.terminate('test');
}, 90_000);

test('cancel: in-flight calls finish and are recorded, nothing is sent for the rest, the run ends cancelled, a retry takes the rest', async () => {
  const own = await ownProvider();
  const { tenant, ids, pairs } = await tenantWith(24, { provider: own });
  own.setFaults({ latencyMs: 300 });
  const { workflowId, runId, handle } = await h.startRun(projectScope(tenant), { pageSize: 6, pageParallelism: 1 });
  for (;;) {
    const statuses = Object.values(await connectionStatuses(h.db, ids));
    if (statuses.filter((s) => s === 'revoked').length >= 3 && statuses.includes('revoking')) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await handle.cancel();
  const run = await h.waitForEnd(workflowId, runId, 30_000);
  expect(run).toMatchObject({ status: 'cancelled', counts: { total: 24, pending: 0, failed: 0 } });
  const items = await h.items(runId);
  const revoked = items.filter((i) => i.outcome === 'revoked');
  const cancelled = items.filter((i) => i.outcome === 'cancelled');
  expect(revoked.length + cancelled.length).toBe(24);
  expect(cancelled.length).toBeGreaterThan(0);
  const tokensOf = (list: typeof items) => list.flatMap((i) => [pairs[ids.indexOf(i.connectedAccountId)]!.access_token, pairs[ids.indexOf(i.connectedAccountId)]!.refresh_token]);
  // every call that was started finished: two requests per revoked connection, none for the cancelled
  expect(own.stats().revokeRequests).toBe(2 * revoked.length);
  expect(own.check(tokensOf(cancelled))).toMatchObject({ active: 2 * cancelled.length });
  expect(own.check(tokensOf(revoked))).toMatchObject({ active: 0 });
  const statuses = await connectionStatuses(h.db, ids);
  for (const item of items) expect(statuses[item.connectedAccountId]).toBe(item.outcome === 'revoked' ? 'revoked' : 'active');

  own.setFaults({});
  const retry = await h.startRun({ kind: 'retry', sourceRunId: runId });
  const retried = await h.waitForEnd(retry.workflowId, retry.runId);
  expect(retried).toMatchObject({ status: 'completed', counts: { total: cancelled.length, revoked: cancelled.length, pending: 0 } });
  expect(own.check(tokensOf(items))).toMatchObject({ active: 0 });
}, 90_000);
