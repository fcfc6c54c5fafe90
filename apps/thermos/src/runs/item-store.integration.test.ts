/**
 * Lock order of every writer of connections and credentials (real Postgres): connected_accounts
 * first, then credentials, each in id order. A writer blocked on the first row it needs must
 * hold nothing else, which is what rules out deadlocks between overlapping runs.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { newId } from '@at/common';
import { createTestDatabase, type TestDatabase } from '@at/testkit';
import { Vault } from '@at/vault';
import { ensureRun } from './snapshot-store';
import { markRevoking, recordOutcomes, releaseClaims, type ItemResult } from './item-store';
import { releasePendingItems } from './release-store';

let database: TestDatabase;
const vault = Vault.fromSpec(`k1:${randomBytes(32).toString('base64')}`);

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database.drop();
});

/** `n` connections with credentials and a run whose items name them in seq order; ids ascending. */
async function seed(n: number): Promise<{ runId: string; ids: string[] }> {
  const db = database.db;
  const orgId = newId('org');
  const projectId = newId('prj');
  const authConfigId = newId('ac');
  await db.org.create({ data: { id: orgId, name: 'o' } });
  await db.project.create({ data: { id: projectId, orgId, name: 'p' } });
  await db.authConfig.create({ data: { id: authConfigId, orgId, projectId, toolkit: 'oauth2', authScheme: 'oauth2', clientId: 'c', revocationEndpoint: 'https://idp.example/revoke' } });
  const ids = Array.from({ length: n }, () => newId('ca')).sort();
  for (const id of ids) {
    await db.connectedAccount.create({ data: { id, orgId, projectId, authConfigId, userId: 'u' } });
    await db.credential.create({ data: { connectedAccountId: id, sealed: vault.sealJson({ type: 'oauth2', access_token: 'a' }, id) } });
  }
  const runId = randomUUID();
  await ensureRun(db, runId, 'revoke-project-locks', 500);
  await db.revokeItem.createMany({ data: ids.map((id, i) => ({ runId, seq: i + 1, connectedAccountId: id })) });
  return { runId, ids };
}

async function pgClient(): Promise<Client> {
  const client = new Client({ connectionString: database.url });
  await client.connect();
  return client;
}

/** Runs `write` while another session holds the lock on connection `first`; returns what else the write had locked by then. */
async function lockedWhileBlocked(first: string, others: { connections: string[]; credentials: string[] }, write: () => Promise<unknown>): Promise<string[]> {
  const holder = await pgClient();
  const probe = await pgClient();
  try {
    await holder.query('BEGIN');
    await holder.query('SELECT id FROM connected_accounts WHERE id = $1 FOR UPDATE', [first]);
    const pending = write();
    // wait until the writer is blocked on a lock
    for (let i = 0; ; i += 1) {
      const { rows } = await probe.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
      );
      if ((rows[0]?.n ?? 0) > 0) break;
      if (i > 500) throw new Error('the writer never blocked');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const held: string[] = [];
    const tryLock = async (label: string, sql: string, id: string) => {
      await probe.query('BEGIN');
      try {
        await probe.query(`${sql} FOR UPDATE NOWAIT`, [id]);
      } catch {
        held.push(label);
      } finally {
        await probe.query('ROLLBACK');
      }
    };
    for (const id of others.connections) await tryLock(`connected_accounts ${id}`, 'SELECT id FROM connected_accounts WHERE id = $1', id);
    for (const id of others.credentials) await tryLock(`credentials ${id}`, 'SELECT connected_account_id FROM credentials WHERE connected_account_id = $1', id);
    await holder.query('ROLLBACK');
    await pending;
    return held;
  } finally {
    await holder.end();
    await probe.end();
  }
}

const revoked = { outcome: 'revoked' as const, revokedTokens: ['access'], errorCode: null, errorMessage: null, attempts: 1 };

test('recordOutcomes, blocked on the lowest connection id, holds no other connection or credential', async () => {
  const { runId, ids } = await seed(4);
  const [first, ...rest] = ids as [string, ...string[]];
  // the batch names the connections in descending id order
  const records = ids.map((id, i) => ({ seq: i + 1, connectedAccountId: id, result: revoked })).reverse();
  const held = await lockedWhileBlocked(first, { connections: rest, credentials: ids }, () => recordOutcomes(database.db, runId, records));
  expect(held).toEqual([]);
  expect(await database.db.revokeItem.count({ where: { runId, outcome: 'revoked' } })).toBe(4);
});

test('markRevoking, blocked on the lowest connection id, holds no other connection', async () => {
  const { runId, ids } = await seed(4);
  const [first, ...rest] = ids as [string, ...string[]];
  const targets = ids.map((id, i) => ({ seq: i + 1, connectedAccountId: id })).reverse();
  const held = await lockedWhileBlocked(first, { connections: rest, credentials: ids }, () => markRevoking(database.db, runId, targets));
  expect(held).toEqual([]);
  expect(await database.db.connectedAccount.count({ where: { id: { in: ids }, status: 'revoking', revokingRunId: runId } })).toBe(4);
});

test('releasePendingItems and releaseClaims, blocked on the lowest connection id, hold no other connection or credential', async () => {
  for (const release of [
    (runId: string) => releasePendingItems(database.db, runId, { status: 'cancelled', code: 'cancelled', message: 'test' }),
    (runId: string, ids: string[]) => releaseClaims(database.db, runId, ids.map((id, i) => ({ seq: i + 1, connectedAccountId: id })).reverse()),
  ]) {
    const { runId, ids } = await seed(4);
    await markRevoking(database.db, runId, ids.map((id, i) => ({ seq: i + 1, connectedAccountId: id })));
    const [first, ...rest] = ids as [string, ...string[]];
    expect(await lockedWhileBlocked(first, { connections: rest, credentials: ids }, () => release(runId, ids))).toEqual([]);
    expect(await database.db.connectedAccount.count({ where: { id: { in: ids }, status: 'revoking' } })).toBe(0);
  }
});

test('two overlapping runs claiming, recording and failing the same connections in opposite orders never deadlock, and end true', async () => {
  const N = 60;
  const { runId: a, ids } = await seed(N);
  const b = randomUUID();
  await ensureRun(database.db, b, 'revoke-auth_config-locks', 500);
  // run b numbers the same connections in the opposite order
  await database.db.revokeItem.createMany({ data: [...ids].reverse().map((id, i) => ({ runId: b, seq: i + 1, connectedAccountId: id })) });
  const seqIn = (runId: string, id: string) => (runId === a ? ids.indexOf(id) + 1 : N - ids.indexOf(id));
  const failed: ItemResult = { outcome: 'failed', revokedTokens: [], errorCode: 'provider_unavailable', errorMessage: 'down', attempts: 1 };
  // each run works through the connections in batches of its own order, concurrently; run a fails
  // every third connection, so its writes release while b's claim and revoke
  const work = async (runId: string) => {
    const order = runId === a ? ids : [...ids].reverse();
    for (let i = 0; i < N; i += 6) {
      const batch = order.slice(i, i + 6);
      const targets = batch.map((id) => ({ seq: seqIn(runId, id), connectedAccountId: id }));
      await Promise.all([
        markRevoking(database.db, runId, targets),
        recordOutcomes(
          database.db,
          runId,
          targets.reverse().map((t, j) => ({ ...t, result: runId === a && j % 3 === 0 ? failed : revoked })),
        ),
      ]);
    }
  };
  await Promise.all([work(a), work(b), work(a), work(b)]);
  expect(await database.db.revokeItem.count({ where: { runId: { in: [a, b] }, outcome: 'pending' } })).toBe(0);
  // b revoked every connection: whatever a recorded, they are all revoked and shredded
  expect(await database.db.connectedAccount.count({ where: { id: { in: ids }, status: 'revoked' } })).toBe(N);
  expect(await database.db.credential.count({ where: { connectedAccountId: { in: ids }, destroyedAt: null } })).toBe(0);
});
