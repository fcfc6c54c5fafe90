import { createDb, type PrismaClient } from '@at/db';
import { createTestDatabase, type TestDatabase } from '@at/testkit';
import { createPostgresRateLimiter } from './postgres-rate-limiter';

let t: TestDatabase;
let secondDb: PrismaClient;
beforeAll(async () => {
  t = await createTestDatabase();
  // a second client and pool, as a second worker process would have
  secondDb = createDb({ url: t.url, poolSize: 5 });
});
afterAll(async () => {
  await secondDb.$disconnect();
  await t.drop();
});

/** The most timestamps that fall in any window [ts[i], ts[i] + windowMs). */
function busiestWindow(timestamps: number[], windowMs: number): number {
  const sorted = [...timestamps].sort((a, b) => a - b);
  let most = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end += 1) {
    while ((sorted[end] as number) - (sorted[start] as number) >= windowMs) start += 1;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

test('two processes sharing one database never exceed the ceiling in any 1-second window', async () => {
  const first = createPostgresRateLimiter(t.db);
  const second = createPostgresRateLimiter(secondDb);
  const ceiling = 50;
  const startedAt = Date.now();
  try {
    const granted = await Promise.all(
      Array.from({ length: 150 }, async (_, i) => {
        await (i % 2 === 0 ? first : second).acquire('shared-provider', ceiling);
        return Date.now();
      }),
    );
    expect(busiestWindow(granted, 1000)).toBeLessThanOrEqual(ceiling);
    // 150 slots at 50 * 0.97 per second take about 3 seconds
    expect(Math.max(...granted) - startedAt).toBeGreaterThanOrEqual(2_900);
  } finally {
    first.close();
    second.close();
  }
});

test('providers are limited independently: a saturated provider does not hold back another', async () => {
  const limiter = createPostgresRateLimiter(t.db);
  try {
    const order: string[] = [];
    // at 2/s the fourth slot of 'a' is more than a second away; 'b' has its own, free, slots
    const slow = Array.from({ length: 4 }, (_, i) => limiter.acquire('a', 2).then(() => order.push(`a${i}`)));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await limiter.acquire('b', 2).then(() => order.push('b'));
    await Promise.all(slow);
    expect(order.indexOf('b')).toBeLessThan(order.indexOf('a3'));
  } finally {
    limiter.close();
  }
});

test('an aborted acquisition rejects with the abort reason and frees its place in the queue', async () => {
  const limiter = createPostgresRateLimiter(t.db);
  try {
    await limiter.acquire('abortable', 2);
    const controller = new AbortController();
    const aborted = limiter.acquire('abortable', 2, controller.signal);
    controller.abort(new Error('cancelled'));
    await expect(aborted).rejects.toThrow('cancelled');
    // the queue is not stuck behind the aborted caller: the next one is served
    await expect(limiter.acquire('abortable', 2)).resolves.toHaveProperty('answered');
  } finally {
    limiter.close();
  }
});

test('close rejects waiting acquisitions', async () => {
  const limiter = createPostgresRateLimiter(t.db);
  await limiter.acquire('closing', 1);
  const waiting = limiter.acquire('closing', 1);
  limiter.close();
  await expect(waiting).rejects.toThrow('rate limiter closed');
  await expect(limiter.acquire('closing', 1)).rejects.toThrow('rate limiter closed');
});

describe('the adaptive margin', () => {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const spreadOf = async (key: string) => {
    const [row] = await t.db.$queryRaw<Array<{ spread_ms: number | null }>>`SELECT spread_ms FROM provider_rate_slots WHERE provider = ${key}`;
    return row?.spread_ms ?? null;
  };

  test('requests that reach the provider up to 150 ms late, from one jittery process beside a punctual one, never exceed the ceiling in any second', async () => {
    const jittery = createPostgresRateLimiter(t.db);
    const punctual = createPostgresRateLimiter(secondDb);
    const ceiling = 40;
    try {
      let answered = 0;
      let midway: Promise<number | null> | undefined;
      const arrivals = await Promise.all(
        Array.from({ length: 160 }, async (_, i) => {
          const late = i % 2 === 0;
          const ticket = await (late ? jittery : punctual).acquire('adaptive-jitter', ceiling);
          // the request reaches the provider up to 150 ms after its slot
          if (late) await sleep(Math.random() * 150);
          const arrivedAt = Date.now();
          ticket?.answered();
          answered += 1;
          if (answered === 100) midway = spreadOf('adaptive-jitter');
          return arrivedAt;
        }),
      );
      expect(busiestWindow(arrivals, 1000)).toBeLessThanOrEqual(ceiling);
      // the jittery process's spread reached the shared row: the punctual one spaced its slots for it too
      expect(await midway).toBeGreaterThan(50);
    } finally {
      jittery.close();
      punctual.close();
    }
  });

  test('punctual answers are reported to the shared row as a small spread', async () => {
    const limiter = createPostgresRateLimiter(t.db);
    try {
      await Promise.all(
        Array.from({ length: 40 }, async () => {
          const ticket = await limiter.acquire('adaptive-punctual', 50);
          ticket?.answered();
        }),
      );
      // one more reservation carries the spread of the answers so far
      (await limiter.acquire('adaptive-punctual', 50))?.answered();
      const spread = await spreadOf('adaptive-punctual');
      expect(spread).not.toBeNull();
      expect(spread as number).toBeLessThan(100);
    } finally {
      limiter.close();
    }
  });
});

describe('fairness between the shares (runs) of one ceiling', () => {
  /** Queues `n` acquisitions for `share` and records each grant's share, in grant order. */
  function queue(limiter: ReturnType<typeof createPostgresRateLimiter>, key: string, ceiling: number, share: string, n: number, order: string[]): Promise<unknown> {
    return Promise.all(Array.from({ length: n }, () => limiter.acquire(key, ceiling, undefined, share).then(() => order.push(share))));
  }

  test('in one process, a run arriving behind a big one is served in turn, not after it', async () => {
    const limiter = createPostgresRateLimiter(t.db);
    try {
      const order: string[] = [];
      const big = queue(limiter, 'fair-one-process', 20, 'big-run', 30, order);
      while (order.length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
      const arrivedAt = order.length;
      await queue(limiter, 'fair-one-process', 20, 'small-run', 6, order);
      await big;
      // from its arrival on, the small run gets every other slot (give or take the slots already reserved)
      const lastSmall = order.lastIndexOf('small-run');
      expect(lastSmall - arrivedAt).toBeLessThanOrEqual(2 * 6 + 2);
      expect(order.filter((s) => s === 'small-run')).toHaveLength(6);
    } finally {
      limiter.close();
    }
  });

  test('across processes, each process reserves in proportion to the runs waiting in it', async () => {
    const first = createPostgresRateLimiter(t.db);
    const second = createPostgresRateLimiter(secondDb);
    try {
      const order: string[] = [];
      const all = Promise.all([queue(first, 'fair-two-processes', 20, 'run-a', 18, order), queue(first, 'fair-two-processes', 20, 'run-b', 18, order), queue(second, 'fair-two-processes', 20, 'run-c', 18, order)]);
      while (order.length < 36) await new Promise((resolve) => setTimeout(resolve, 10));
      const head = order.slice(0, 36);
      const count = (share: string) => head.filter((s) => s === share).length;
      // fair is 12 each; the second process alone (one run) taking half would be 18
      expect(count('run-c')).toBeLessThanOrEqual(15);
      expect(count('run-a')).toBeGreaterThanOrEqual(9);
      expect(count('run-b')).toBeGreaterThanOrEqual(9);
      await all;
    } finally {
      first.close();
      second.close();
    }
  });
});
