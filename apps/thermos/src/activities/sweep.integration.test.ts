/**
 * What the sweep counts as an orphan, and what it queues, against a real database: sealed
 * credentials under a deleted connection, auth config, project or org, unless a run covers
 * them (running, or an outcome recorded) or a delete's intent has not snapshotted yet.
 */
import { randomUUID } from 'node:crypto';
import { createLogger, newId } from '@at/common';
import { LIVE_CONNECTION_JOINS, orphanedConnectionsWhere, Prisma } from '@at/db';
import { createTestDatabase, type TestDatabase } from '@at/testkit';
import { ensureRun, snapshotNextPage } from '../runs/snapshot-store';
import { createSweepActivities } from './sweep';

let t: TestDatabase;
let sweep: ReturnType<typeof createSweepActivities>;
beforeAll(async () => {
  t = await createTestDatabase();
  const logger = createLogger({ service: 'test', level: 'error' });
  sweep = createSweepActivities({ db: t.db, logger });
});
afterAll(async () => t?.drop());

type Tree = { orgId: string; projectId: string; authConfigId: string };

async function tree(): Promise<Tree> {
  const ids = { orgId: newId('org'), projectId: newId('prj'), authConfigId: newId('ac') };
  await t.db.org.create({ data: { id: ids.orgId, name: 'o' } });
  await t.db.project.create({ data: { id: ids.projectId, orgId: ids.orgId, name: 'p' } });
  await t.db.authConfig.create({ data: { id: ids.authConfigId, orgId: ids.orgId, projectId: ids.projectId, toolkit: 'oauth2', authScheme: 'oauth2', revocationEndpoint: 'http://127.0.0.1:1/revoke' } });
  return ids;
}

async function connection(at: Tree, options: { sealed?: boolean; deleted?: boolean; status?: 'active' | 'revoked' } = {}): Promise<string> {
  const id = newId('ca');
  await t.db.connectedAccount.create({
    data: { id, orgId: at.orgId, projectId: at.projectId, authConfigId: at.authConfigId, userId: 'u', status: options.status ?? 'active', deletedAt: options.deleted ? new Date() : null },
  });
  await t.db.credential.create({ data: { connectedAccountId: id, ...(options.sealed === false ? {} : { sealed: { v: 1, sealed: 'x' } }) } });
  return id;
}

const orphansOf = async (orgId: string): Promise<string[]> =>
  (await t.db.$queryRaw<Array<{ id: string }>>(Prisma.sql`SELECT ca.id FROM ${LIVE_CONNECTION_JOINS} WHERE ${orphanedConnectionsWhere(orgId)} ORDER BY ca.id`)).map((r) => r.id);

async function runWithItem(connectedAccountId: string, status: 'running' | 'completed' | 'failed', outcome: 'pending' | 'failed' | 'revoked'): Promise<void> {
  const runId = randomUUID();
  await t.db.revokeRun.create({ data: { id: runId, workflowId: `revoke-x-${'0'.repeat(32)}`, status, total: 1, snapshotDone: true } });
  await t.db.revokeItem.create({ data: { runId, seq: 1, connectedAccountId, outcome } });
}

test('a sealed credential under any deleted level is an orphan; live ones, destroyed ones and other orgs are not', async () => {
  const a = await tree();
  const live = await connection(a);
  const deletedItself = await connection(a, { deleted: true });
  const shredded = await connection(a, { deleted: true, sealed: false });
  const revoked = await connection(a, { deleted: true, status: 'revoked' });
  expect(await orphansOf(a.orgId)).toEqual([deletedItself]);

  const b = await tree();
  const underConfig = await connection(b);
  await t.db.authConfig.update({ where: { id: b.authConfigId }, data: { deletedAt: new Date() } });
  const c = await tree();
  const underProject = await connection(c);
  await t.db.project.update({ where: { id: c.projectId }, data: { deletedAt: new Date() } });
  const d = await tree();
  const underOrg = await connection(d);
  await t.db.org.update({ where: { id: d.orgId }, data: { deletedAt: new Date() } });
  expect([await orphansOf(b.orgId), await orphansOf(c.orgId), await orphansOf(d.orgId)]).toEqual([[underConfig], [underProject], [underOrg]]);
  expect([live, shredded, revoked].filter((id) => [underConfig, underProject, underOrg, deletedItself].includes(id))).toEqual([]);
});

test('a run covers its connections while it runs or once it recorded an outcome; a failed run that left one pending does not', async () => {
  const at = await tree();
  await t.db.authConfig.update({ where: { id: at.authConfigId }, data: { deletedAt: new Date() } });
  const inFlight = await connection(at);
  const recordedFailure = await connection(at);
  const leftPending = await connection(at);
  await runWithItem(inFlight, 'running', 'pending');
  await runWithItem(recordedFailure, 'completed', 'failed');
  await runWithItem(leftPending, 'failed', 'pending');
  expect(await orphansOf(at.orgId)).toEqual([leftPending]);
});

test("a delete's intent covers its scope until its run has snapshotted", async () => {
  const at = await tree();
  const conn = await connection(at);
  await t.db.authConfig.update({ where: { id: at.authConfigId }, data: { deletedAt: new Date() } });
  const intent = { id: newId('ri'), orgId: at.orgId, projectId: at.projectId, ownerId: at.projectId, target: 'scope' as const, scopeType: 'auth_config', scopeId: at.authConfigId, trigger: 'delete' as const };
  await t.db.revokeIntent.create({ data: intent });
  expect(await orphansOf(at.orgId)).toEqual([]);
  // started: its run is snapshotting, then done (without this connection, say): the sweep takes over
  const runId = randomUUID();
  const jobId = newId('pj');
  await t.db.job.create({ data: { id: jobId, orgId: at.orgId, projectId: at.projectId, ownerId: at.projectId, workflowId: 'w', runId, metadata: {} } });
  await t.db.revokeIntent.update({ where: { id: intent.id }, data: { jobId, startedAt: new Date() } });
  await t.db.revokeRun.create({ data: { id: runId, workflowId: 'w', status: 'running', snapshotDone: false } });
  expect(await orphansOf(at.orgId)).toEqual([]);
  await t.db.revokeRun.update({ where: { id: runId }, data: { snapshotDone: true } });
  expect(await orphansOf(at.orgId)).toEqual([conn]);
});

test('the sweep queues one intent per org with orphans, re-arms it once started, and leaves a pending one alone', async () => {
  const at = await tree();
  await connection(at, { deleted: true });
  await sweep.queueOrphanSweeps();
  const first = await t.db.revokeIntent.findFirstOrThrow({ where: { orgId: at.orgId, target: 'orphans' } });
  expect(first).toMatchObject({ ownerId: at.orgId, projectId: null, scopeType: 'org', scopeId: at.orgId, trigger: 'sweep', jobId: null });
  await t.db.revokeIntent.update({ where: { id: first.id }, data: { attempts: 3 } });
  await sweep.queueOrphanSweeps();
  expect(await t.db.revokeIntent.findUniqueOrThrow({ where: { id: first.id } })).toMatchObject({ attempts: 3, jobId: null });
  await t.db.revokeIntent.update({ where: { id: first.id }, data: { jobId: newId('oj'), startedAt: new Date() } });
  await sweep.queueOrphanSweeps();
  expect(await t.db.revokeIntent.findMany({ where: { orgId: at.orgId } })).toEqual([expect.objectContaining({ id: first.id, jobId: null, startedAt: null, attempts: 0 })]);
});

test("the sweep's snapshot takes exactly the org's orphans, and not twice when resumed", async () => {
  const at = await tree();
  const orphans = [await connection(at, { deleted: true }), await connection(at, { deleted: true }), await connection(at, { deleted: true })].sort();
  await connection(at);
  const runId = randomUUID();
  await ensureRun(t.db, runId, 'revoke-orphans-x', 500);
  const target = { kind: 'orphans' as const, orgId: at.orgId };
  // pages of 2: the run's own items do not hide the rest from it
  expect(await snapshotNextPage(t.db, runId, target, true, 2)).toMatchObject({ total: 2, done: false });
  expect(await snapshotNextPage(t.db, runId, target, true, 2)).toMatchObject({ total: 3, done: true });
  // a retried snapshot activity finds it done
  expect(await snapshotNextPage(t.db, runId, target, true, 2)).toMatchObject({ total: 3, done: true });
  const items = await t.db.revokeItem.findMany({ where: { runId }, orderBy: { seq: 'asc' } });
  expect(items.map((i) => i.connectedAccountId)).toEqual(orphans);
});
