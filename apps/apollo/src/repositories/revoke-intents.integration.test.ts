import { newId, type Scope } from '@at/common';
import { createDb, transaction, type PrismaClient } from '@at/db';
import { createTestDatabase, type TestDatabase } from '@at/testkit';
import { claimDueIntents, insertIntentOnce, markIntentStarted, recordIntentFailure, type NewIntent } from './revoke-intents';

let t: TestDatabase;
let second: PrismaClient;
beforeAll(async () => {
  t = await createTestDatabase();
  // a second pool, as a second apollo process would have
  second = createDb({ url: t.url, poolSize: 5 });
});
afterAll(async () => {
  await second?.$disconnect();
  await t?.drop();
});

const intentOf = (scope: Scope, ownerId = newId('prj')): NewIntent => ({
  id: newId('ri'),
  orgId: newId('org'),
  projectId: ownerId,
  ownerId,
  target: 'scope',
  scope,
  trigger: 'delete',
});

const dueNow = (id: string) => t.db.$executeRaw`UPDATE revoke_intents SET next_attempt_at = now() - interval '1 second' WHERE id = ${id}`;

test('one intent per owner and target: a second insert returns the first, even in a racing transaction', async () => {
  const scope: Scope = { type: 'auth_config', id: newId('ac') };
  const first = intentOf(scope);
  const again = { ...first, id: newId('ri') };
  const [a, b] = await Promise.all([transaction(t.db, (tx) => insertIntentOnce(tx, first, 0)), transaction(second, (tx) => insertIntentOnce(tx, again, 0))]);
  expect(a.id).toBe(b.id);
  expect(await t.db.revokeIntent.count({ where: { scopeId: scope.id } })).toBe(1);
  // another owner's intent over the same entity is its own
  const other = await insertIntentOnce(t.db, intentOf(scope), 0);
  expect(other.id).not.toBe(a.id);
});

test('a new intent is left to its request for the lease, then the reconciler may claim it', async () => {
  const leased = await insertIntentOnce(t.db, intentOf({ type: 'connected_account', id: newId('ca') }), 60_000);
  expect((await claimDueIntents(t.db, 100, 60_000)).map((i) => i.id)).not.toContain(leased.id);
  await dueNow(leased.id);
  expect((await claimDueIntents(t.db, 100, 60_000)).map((i) => i.id)).toContain(leased.id);
  // claimed: the lease hides it from the next pass
  expect((await claimDueIntents(t.db, 100, 60_000)).map((i) => i.id)).not.toContain(leased.id);
});

test('two reconcilers claiming at once share the due intents without overlap', async () => {
  const ids: string[] = [];
  for (let i = 0; i < 40; i += 1) ids.push((await insertIntentOnce(t.db, intentOf({ type: 'project', id: newId('prj') }), 0)).id);
  await t.db.$executeRaw`UPDATE revoke_intents SET next_attempt_at = now() - interval '1 second' WHERE id = ANY(${ids}::text[])`;
  const claims = await Promise.all([0, 1, 2, 3].map((i) => claimDueIntents(i % 2 === 0 ? t.db : second, 15, 60_000)));
  const claimed = claims.flat().map((i) => i.id).filter((id) => ids.includes(id));
  expect(new Set(claimed).size).toBe(claimed.length);
  expect(new Set(claimed)).toEqual(new Set(ids));
});

test('failures back off per intent, doubling up to the cap; a started intent is never claimed again', async () => {
  const intent = await insertIntentOnce(t.db, intentOf({ type: 'auth_config', id: newId('ac') }), 0);
  const waits: number[] = [];
  for (let i = 0; i < 6; i += 1) {
    await recordIntentFailure(t.db, intent.id, 'temporal is unavailable', { baseMs: 1_000, maxMs: 10_000 });
    const [row] = await t.db.$queryRaw<Array<{ wait: number; attempts: number }>>`
      SELECT extract(epoch FROM next_attempt_at - now()) * 1000 AS wait, attempts FROM revoke_intents WHERE id = ${intent.id}`;
    waits.push(Math.round(Number(row?.wait) / 1000));
    expect(row?.attempts).toBe(i + 1);
  }
  expect(waits).toEqual([1, 2, 4, 8, 10, 10]);
  await markIntentStarted(t.db, intent.id, newId('pj'));
  await dueNow(intent.id);
  expect((await claimDueIntents(t.db, 1000, 60_000)).map((i) => i.id)).not.toContain(intent.id);
  const row = await t.db.revokeIntent.findUniqueOrThrow({ where: { id: intent.id } });
  expect({ lastError: row.lastError, started: row.startedAt !== null }).toEqual({ lastError: null, started: true });
});
