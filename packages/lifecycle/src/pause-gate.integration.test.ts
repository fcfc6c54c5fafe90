/**
 * The pause gate on a real Postgres: a call waits while a pause holds and goes on when it is
 * lifted, and a long wait holds one abort listener on the caller's signal, not one per poll
 * (an hour's pause at one poll a second used to leave 3,600 on every waiting connection).
 */
import { getEventListeners } from 'node:events';
import { clearPause, setPause } from '@at/db';
import { createTestDatabase, type TestDatabase } from '@at/testkit';
import { createPauseGate } from './pause-gate';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
}, 120_000);
afterAll(async () => database?.drop());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const OPERATOR = { orgId: null, projectId: null };
const ADMIN = { type: 'admin', id: null } as const;

test('waits while paused, polling with one listener on the signal at a time; goes on once the pause is lifted', async () => {
  await setPause(database.db, OPERATOR, 'maintenance', ADMIN);
  const gate = createPauseGate({ db: database.db, envPaused: false, ttlMs: 20 });
  const controller = new AbortController();
  let done = false;
  const waiting = gate.wait('prj_any', controller.signal, () => false).then(() => {
    done = true;
  });
  // a few dozen polls
  await sleep(600);
  expect(done).toBe(false);
  expect(getEventListeners(controller.signal, 'abort').length).toBeLessThanOrEqual(1);
  await clearPause(database.db, null);
  await waiting;
  expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
});

test('an abort ends the wait at once and leaves no listener', async () => {
  await setPause(database.db, OPERATOR, 'maintenance', ADMIN);
  try {
    const gate = createPauseGate({ db: database.db, envPaused: false, ttlMs: 20 });
    const controller = new AbortController();
    const waiting = gate.wait('prj_any', controller.signal, () => false);
    await sleep(200);
    const abortedAt = Date.now();
    controller.abort(new Error('stopped'));
    await waiting;
    expect(Date.now() - abortedAt).toBeLessThan(100);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  } finally {
    await clearPause(database.db, null);
  }
});
