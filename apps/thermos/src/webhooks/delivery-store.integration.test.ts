/**
 * The event outbox (real Postgres): every way of adding events queues each one in the same
 * transaction, the relay takes them off in sequence order as it fans them out, and an event is
 * never rewritten by its dispatch.
 */
import { newId } from '@at/common';
import { insertEvent, transaction } from '@at/db';
import { createTestDatabase, type TestDatabase } from '@at/testkit';
import { dispatchEvents } from './delivery-store';

let database: TestDatabase;
let orgId: string;
let projectId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  orgId = newId('org');
  projectId = newId('prj');
  await database.db.org.create({ data: { id: orgId, name: 'o' } });
  await database.db.project.create({ data: { id: projectId, orgId, name: 'p' } });
});

afterAll(async () => {
  await database.drop();
});

const queued = async () => (await database.db.eventOutbox.findMany({ orderBy: { sequence: 'asc' } })).map((row) => row.sequence);
const event = (n: number) => ({ orgId, projectId, connectedAccountId: null, type: 'connected_account.created' as const, data: { n } });

test('an event is queued with its insert, one by one or many in one statement, and not when its transaction rolls back', async () => {
  const db = database.db;
  await insertEvent(db, event(1));
  await db.$executeRaw`INSERT INTO events (id, org_id, project_id, type, data)
    SELECT at_new_id('evt'), ${orgId}, ${projectId}, 'connected_account.created', jsonb_build_object('n', i) FROM generate_series(2, 4) AS i`;
  await expect(
    transaction(db, async (tx) => {
      await insertEvent(tx, event(99));
      throw new Error('rolled back');
    }),
  ).rejects.toThrow('rolled back');
  const events = await db.event.findMany({ orderBy: { sequence: 'asc' } });
  expect(events.map((e) => (e.data as { n: number }).n)).toEqual([1, 2, 3, 4]);
  expect(await queued()).toEqual(events.map((e) => e.sequence));
});

test('the relay takes the oldest off the queue, a batch at a time, and leaves the events as written', async () => {
  const db = database.db;
  const before = await db.$queryRaw<Array<{ row: string }>>`SELECT e::text || ' ' || e.ctid::text || ' ' || e.xmin::text AS row FROM events e ORDER BY sequence`;
  const all = await queued();
  expect(all.length).toBeGreaterThanOrEqual(4);

  expect(await dispatchEvents(db, 3, 60, 4)).toEqual({ events: 3, lanes: [] });
  expect(await queued()).toEqual(all.slice(3));
  expect(await dispatchEvents(db, 3, 60, 4)).toEqual({ events: all.length - 3, lanes: [] });
  expect(await queued()).toEqual([]);
  expect(await dispatchEvents(db, 3, 60, 4)).toEqual({ events: 0, lanes: [] });

  // the same rows, where they were, by the transactions that wrote them: not rewritten
  const after = await db.$queryRaw<Array<{ row: string }>>`SELECT e::text || ' ' || e.ctid::text || ' ' || e.xmin::text AS row FROM events e ORDER BY sequence`;
  expect(after).toEqual(before);
});

test('an event queued while a relay batch is open waits for the next batch, not lost', async () => {
  const db = database.db;
  let inserted = false;
  const dispatched = await transaction(db, async (tx) => {
    // the relay's lock is held by this transaction's batch; an insert beside it still queues
    const [lock] = await tx.$queryRaw<Array<{ locked: boolean }>>`SELECT pg_try_advisory_xact_lock(${0x77656268}) AS locked`;
    expect(lock?.locked).toBe(true);
    await insertEvent(db, event(5));
    inserted = true;
    // another relay meanwhile finds the lock taken and takes nothing
    return dispatchEvents(db, 10, 60, 4);
  });
  expect(inserted).toBe(true);
  expect(dispatched.events).toBe(0);
  expect(await queued()).toHaveLength(1);
  expect((await dispatchEvents(db, 10, 60, 4)).events).toBe(1);
  expect(await queued()).toEqual([]);
});
