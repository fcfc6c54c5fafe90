/**
 * The snapshot's reads against a real database: a source's connections are read in id order
 * from its index and checked for liveness on the page, so connections that are not in the run
 * (deleted, revoked, under a deleted level) are skipped without being numbered, a transaction
 * reads a bounded number of them, and connected_accounts's statistics are refreshed first when
 * autovacuum is due to and has not yet.
 */
import { randomUUID } from 'node:crypto';
import { newId, type RunTarget } from '@at/common';
import { createTestDatabase, type TestDatabase } from '@at/testkit';
import { seedTenant } from '../../test/run-harness';
import { ensureRun, snapshotNextPage } from './snapshot-store';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t?.drop());

type Tree = { orgId: string; projectId: string; authConfigId: string };

/** An org and project (as the run harness seeds them) with one generic auth config. */
async function tree(): Promise<Tree> {
  const tenant = await seedTenant(t.db);
  const authConfigId = newId('ac');
  await t.db.authConfig.create({ data: { id: authConfigId, ...tenant, toolkit: 'oauth2', authScheme: 'oauth2', revocationEndpoint: 'http://127.0.0.1:1/revoke' } });
  return { ...tenant, authConfigId };
}

type Kind = 'live' | 'deleted' | 'revoked';

/** Connections of one auth config in id order, one per kind given. */
async function connections(at: Tree, kinds: Kind[]): Promise<Array<{ id: string; kind: Kind }>> {
  const rows = kinds.map((kind, i) => ({ id: `ca_${String(i).padStart(6, '0')}_${randomUUID().slice(0, 8)}`, kind }));
  await t.db.connectedAccount.createMany({
    data: rows.map((row) => ({
      id: row.id,
      orgId: at.orgId,
      projectId: at.projectId,
      authConfigId: at.authConfigId,
      userId: 'u',
      status: row.kind === 'revoked' ? ('revoked' as const) : ('active' as const),
      deletedAt: row.kind === 'deleted' ? new Date() : null,
    })),
  });
  return rows.sort((a, b) => (a.id < b.id ? -1 : 1));
}

async function snapshot(target: RunTarget, size: number, includeDeletedRoot = false): Promise<{ runId: string; calls: Array<{ total: number; done: boolean }> }> {
  const runId = randomUUID();
  await ensureRun(t.db, runId, 'snapshot-store-test', 2);
  const calls = [];
  for (;;) {
    const progress = await snapshotNextPage(t.db, runId, target, includeDeletedRoot, size);
    calls.push(progress);
    if (progress.done || calls.length > 100) break;
  }
  return { runId, calls };
}

const itemsOf = async (runId: string) =>
  (await t.db.revokeItem.findMany({ where: { runId }, orderBy: { seq: 'asc' }, select: { seq: true, connectedAccountId: true } })).map((i) => [i.seq, i.connectedAccountId]);

test('the live connections of a source are numbered in id order across transactions, the others skipped', async () => {
  const at = await tree();
  const kinds: Kind[] = ['deleted', 'live', 'revoked', 'live', 'live', 'deleted', 'deleted', 'live', 'revoked', 'live'];
  const rows = await connections(at, kinds);
  const { runId, calls } = await snapshot({ kind: 'scope', scope: { type: 'project', id: at.projectId } }, 2);
  const live = rows.filter((r) => r.kind === 'live').map((r) => r.id);
  expect(await itemsOf(runId)).toEqual(live.map((id, i) => [i + 1, id]));
  expect(calls.at(-1)).toEqual({ total: 5, done: true });
  // a transaction adds at most its size
  expect(calls.every((call, i) => call.total - (calls[i - 1]?.total ?? 0) <= 2)).toBe(true);
});

test('a transaction reads at most four pages of connections that are not in the run, and the next goes on from there', async () => {
  const at = await tree();
  const rows = await connections(at, [...Array<Kind>(20).fill('deleted'), 'live', 'live']);
  const { runId, calls } = await snapshot({ kind: 'scope', scope: { type: 'auth_config', id: at.authConfigId } }, 2);
  // 20 skipped in reads of 2, at most 8 a transaction: 3 transactions before the live ones
  expect(calls.slice(0, 2)).toEqual([
    { total: 0, done: false },
    { total: 0, done: false },
  ]);
  expect(calls.at(-1)).toEqual({ total: 2, done: true });
  expect(await itemsOf(runId)).toEqual([
    [1, rows[20]?.id],
    [2, rows[21]?.id],
  ]);
});

test('under a deleted project nothing is taken, unless the project is the scope being deleted', async () => {
  const at = await tree();
  const rows = await connections(at, ['live', 'live', 'live']);
  await t.db.project.update({ where: { id: at.projectId }, data: { deletedAt: new Date() } });
  const org = await snapshot({ kind: 'scope', scope: { type: 'org', id: at.orgId } }, 2);
  expect(org.calls.at(-1)).toEqual({ total: 0, done: true });
  const project = await snapshot({ kind: 'scope', scope: { type: 'project', id: at.projectId } }, 2, true);
  expect(await itemsOf(project.runId)).toEqual(rows.map((r, i) => [i + 1, r.id]));
});

test('a deleted connection is taken when it is the scope being deleted', async () => {
  const at = await tree();
  const [row] = await connections(at, ['deleted']);
  const { runId } = await snapshot({ kind: 'scope', scope: { type: 'connected_account', id: row?.id ?? '' } }, 2, true);
  expect(await itemsOf(runId)).toEqual([[1, row?.id]]);
});

test('connected_accounts is analyzed first when a tenth of it changed since its last analysis', async () => {
  const lastAnalyze = async () =>
    (await t.db.$queryRaw<Array<{ at: Date | null }>>`SELECT last_analyze AS at FROM pg_stat_user_tables WHERE relid = 'connected_accounts'::regclass`)[0]?.at ?? null;
  const at = await tree();
  await t.db.$transaction(async (tx) => {
    await tx.$executeRaw`INSERT INTO connected_accounts (id, org_id, project_id, auth_config_id, user_id)
      SELECT 'ca_bulk_' || lpad(i::text, 6, '0'), ${at.orgId}, ${at.projectId}, ${at.authConfigId}, 'u' FROM generate_series(1, 2000) AS i`;
    // the counters reach the shared statistics when this transaction ends, not up to a second later
    await tx.$executeRaw`SELECT pg_stat_force_next_flush()`;
  });
  const before = await lastAnalyze();
  const { calls } = await snapshot({ kind: 'scope', scope: { type: 'auth_config', id: at.authConfigId } }, 1000);
  expect(calls.at(-1)).toEqual({ total: 2000, done: true });
  const after = await lastAnalyze();
  expect(after).not.toBeNull();
  expect(after?.getTime()).not.toBe(before?.getTime());
  // analyzed now, unchanged since: the next run does not analyze again
  await snapshot({ kind: 'scope', scope: { type: 'auth_config', id: at.authConfigId } }, 1000);
  expect((await lastAnalyze())?.getTime()).toBe(after?.getTime());
});

test("a connection's org and project are its auth config's: the database refuses any other", async () => {
  const a = await tree();
  const b = await tree();
  const row = (projectId: string, orgId: string) => ({ id: newId('ca'), orgId, projectId, authConfigId: a.authConfigId, userId: 'u' });
  await expect(t.db.connectedAccount.create({ data: row(b.projectId, a.orgId) })).rejects.toThrow(/foreign key/i);
  await expect(t.db.connectedAccount.create({ data: row(a.projectId, b.orgId) })).rejects.toThrow(/foreign key/i);
  await expect(t.db.connectedAccount.create({ data: row(a.projectId, a.orgId) })).resolves.toMatchObject({ authConfigId: a.authConfigId });
});

test("the lanes: a provider key gets its own lane once its auth configs' connections fill a page, counted up to a page each", async () => {
  const orgId = newId('org');
  const projectId = newId('prj');
  await t.db.org.create({ data: { id: orgId, name: 'o' } });
  await t.db.project.create({ data: { id: projectId, orgId, name: 'p' } });
  const config = async (origin: string, kinds: Kind[], deleted = false): Promise<string> => {
    const authConfigId = newId('ac');
    await t.db.authConfig.create({
      data: { id: authConfigId, orgId, projectId, toolkit: 'oauth2', authScheme: 'oauth2', clientId: 'app', revocationEndpoint: `${origin}/revoke`, deletedAt: deleted ? new Date() : null },
    });
    await connections({ orgId, projectId, authConfigId }, kinds);
    return authConfigId;
  };
  // page size 2 (the run's): one auth config of 5 (counted as 2), two of 1 under one key (1 + 1),
  // one of 1 alone, one with only revoked and deleted connections, one deleted
  const big = await config('http://127.0.0.1:1', ['live', 'live', 'live', 'live', 'live']);
  const pairA = await config('http://127.0.0.2:1', ['live']);
  const pairB = await config('http://127.0.0.2:1', ['live', 'revoked']);
  const alone = await config('http://127.0.0.3:1', ['live', 'deleted']);
  await config('http://127.0.0.4:1', ['revoked', 'deleted']);
  await config('http://127.0.0.5:1', ['live'], true);
  const { runId, calls } = await snapshot({ kind: 'scope', scope: { type: 'project', id: projectId } }, 3);
  expect(calls.at(-1)).toEqual({ total: 8, done: true });
  const sources = await t.db.$queryRaw<Array<{ auth_config_id: string; provider_key: string }>>`
    SELECT s.auth_config_id, l.provider_key FROM revoke_run_sources s JOIN revoke_lanes l ON l.run_id = s.run_id AND l.lane = s.lane WHERE s.run_id = ${runId} ORDER BY s.position`;
  expect(sources).toEqual([
    { auth_config_id: big, provider_key: 'oauth2:http://127.0.0.1:1:app' },
    ...[pairA, pairB].sort().map((id) => ({ auth_config_id: id, provider_key: 'oauth2:http://127.0.0.2:1:app' })),
    { auth_config_id: alone, provider_key: 'small providers' },
  ]);
});

test("a retry takes its source run's failed and cancelled items, in id order, whatever became of their connections since", async () => {
  const at = await tree();
  const rows = await connections(at, ['live', 'live', 'revoked', 'live', 'deleted']);
  const sourceRunId = randomUUID();
  await t.db.revokeRun.create({ data: { id: sourceRunId, workflowId: `revoke-x-${'0'.repeat(32)}`, status: 'completed', total: 5, snapshotDone: true } });
  const outcomes = ['failed', 'revoked', 'cancelled', 'already_revoked', 'failed'] as const;
  await t.db.revokeItem.createMany({ data: rows.map((row, i) => ({ runId: sourceRunId, seq: i + 1, connectedAccountId: row.id, outcome: outcomes[i] ?? 'failed' })) });
  const { runId } = await snapshot({ kind: 'retry', sourceRunId }, 2);
  expect(await itemsOf(runId)).toEqual([rows[0], rows[2], rows[4]].map((row, i) => [i + 1, row?.id]));
});

test('a transaction that reaches the end of the last source as its reads run out says the snapshot is done', async () => {
  const at = await tree();
  // size 3, reads 12: 1 taken and 2 skipped, then 9 skipped in reads of 2 and the last 1 (the source ends there)
  await connections(at, ['live', ...Array<Kind>(11).fill('deleted')]);
  const { calls } = await snapshot({ kind: 'scope', scope: { type: 'auth_config', id: at.authConfigId } }, 3);
  expect(calls).toEqual([{ total: 1, done: true }]);
});
