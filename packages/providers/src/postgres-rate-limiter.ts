import { DependencyUnavailableError } from '@at/common';
import type { PrismaClient } from '@at/db';
import { abortReason, sleep } from './sleep';
import type { RateLimiter, SlotTicket } from './types';

export type PostgresRateLimiterOptions = {
  /** Most slots reserved per database round trip (also capped at a tenth of the ceiling). */
  batch?: number;
  /**
   * A fixed fraction of the ceiling to use (no adaptation). Unset, the margin adapts to the
   * jitter observed (see JITTER): requests that reach the provider up to 1000 * (1/safety - 1) ms
   * late relative to each other still never exceed the ceiling in any sliding second.
   */
  safety?: number;
  /** Added to the observed jitter for what it cannot see (ms; default 20). */
  guardMs?: number;
};

/**
 * The adaptive margin. Each answered request reports the time from its slot to its answer (an
 * upper bound on when it reached the provider); the spread (max - min) of the recent samples is
 * how far requests can bunch up. Slots are then spaced at 1 / (ceiling * safety) with safety =
 * 1000 / (1000 + spread + guard), within [MIN, MAX]: n slots a second, each up to `spread` ms
 * later than its neighbours, never put more than n * (1 + spread / 1000) <= ceiling requests in
 * any second. Until enough samples exist, DEFAULT (0.9: 110 ms of jitter). The spread is shared
 * through the provider's row (the largest fresh one of any process wins, decaying by a tenth per
 * reservation unless its process reports it again), so one jittery process slows every process.
 */
const JITTER = { samples: 128, minSamples: 8, windowMs: 30_000, min: 0.8, max: 0.98, default: 0.9, guardMs: 20, freshSeconds: 30 } as const;

type Waiter = { resolve: (ticket: SlotTicket) => void; reject: (error: unknown) => void; detach: () => void };
/**
 * One ceiling in this process: a FIFO queue per share (run), and `turns`, the shares with
 * someone waiting in the order they are served next: slots go round-robin between them.
 */
type Lane = {
  queues: Map<string, Waiter[]>;
  turns: string[];
  waiting: number;
  slots: number[];
  ceiling: number;
  pumping: boolean;
  /** Recent slot-to-answer times (ms), with when they were taken. */
  late: Array<{ at: number; ms: number }>;
};

// A slot handed out later than this would sit too close to the next one (which may be another
// process's); it is dropped instead. Well inside the gap that `safety` leaves per second.
const LATE_TOLERANCE_MS = 5;
// a process reserves for at most this many of its waiting shares at once
const MAX_SHARES_PER_BATCH = 10;
const DEFAULT_SHARE = '';
const OFFSET_SAMPLES = 32;
const OFFSET_WINDOW_MS = 30_000;

// monotonic, unlike Date.now(): a wall-clock step must not release a batch early
const now = (): number => performance.timeOrigin + performance.now();

/**
 * A rate limiter shared by every worker process through one Postgres row per provider (GCRA:
 * the row holds the time of the next free slot). One statement reserves n consecutive slots,
 * spaced 1/(ceiling*safety) s apart, and returns how long until the first, measured on the
 * database clock, so client clocks do not matter. The row lock serialises processes; within a
 * process each provider has one lane that hands those slots out, sleeping until each.
 *
 * Fairness: within a process, waiting shares (runs) take turns, one slot each, however many
 * requests each has queued. Across processes, a process asks for its next batch only once it
 * has handed out the last, so processes alternate on the row; each batch is sized by the number
 * of shares waiting in the process, so a process serving three runs gets three times the slots
 * of one serving one. (A run spread over several processes gets a turn in each.)
 */
export function createPostgresRateLimiter(db: PrismaClient, options: PostgresRateLimiterOptions = {}): RateLimiter & { close(): void } {
  const maxBatch = options.batch ?? 10;
  // -1: adapt (JITTER)
  const fixedSafety = options.safety ?? -1;
  const guardMs = options.guardMs ?? JITTER.guardMs;
  const lanes = new Map<string, Lane>();
  const closing = new AbortController();

  // Local clock minus database clock, estimated NTP-style: each answer bounds it from above
  // (it arrived after the database computed it), so the smallest recent sample is the best one.
  // It keeps a late-processed answer (busy event loop) from shifting a whole batch of slots.
  const offsets: Array<{ at: number; offset: number }> = [];
  function clockOffset(at: number, sample: number): number {
    offsets.push({ at, offset: sample });
    while (offsets.length > OFFSET_SAMPLES || (offsets[0] && offsets[0].at < at - OFFSET_WINDOW_MS)) offsets.shift();
    return Math.min(...offsets.map((o) => o.offset));
  }

  /** This process's jitter for the lane (ms), or -1 while there are too few recent samples. */
  function spreadOf(lane: Lane): number {
    const since = now() - JITTER.windowMs;
    while (lane.late[0] && lane.late[0].at < since) lane.late.shift();
    if (lane.late.length < JITTER.minSamples) return -1;
    const times = lane.late.map((l) => l.ms);
    return Math.max(...times) - Math.min(...times);
  }

  function ticketFor(lane: Lane, slot: number): SlotTicket {
    return {
      answered: () => {
        const at = now();
        lane.late.push({ at, ms: Math.max(0, at - slot) });
        if (lane.late.length > JITTER.samples) lane.late.shift();
      },
    };
  }

  /**
   * Reserves `count` consecutive slots; the spacing comes from the row's shared jitter and
   * ours (or the fixed safety), decided in the same statement that takes the row's lock.
   */
  async function reserve(provider: string, lane: Lane, count: number): Promise<number[]> {
    const spread = spreadOf(lane);
    const rows = await db.$queryRaw<Array<{ delay_ms: number; db_now_ms: number; spacing_ms: number }>>`
      WITH shared AS (
        SELECT CASE WHEN spread_until > clock_timestamp() THEN spread_ms ELSE -1 END AS spread
        FROM provider_rate_slots WHERE provider = ${provider} FOR UPDATE),
      jitter AS (SELECT GREATEST(${spread}::float8, coalesce((SELECT spread FROM shared), -1)) AS spread),
      spacing AS (
        SELECT 1000.0 / (${lane.ceiling}::float8 * CASE
          WHEN ${fixedSafety}::float8 > 0 THEN ${fixedSafety}::float8
          WHEN jitter.spread < 0 THEN ${JITTER.default}::float8
          ELSE LEAST(${JITTER.max}::float8, GREATEST(${JITTER.min}::float8, 1000.0 / (1000.0 + jitter.spread + ${guardMs}::float8))) END) AS ms
        FROM jitter)
      INSERT INTO provider_rate_slots AS s (provider, next_slot_at, spread_ms, spread_until)
      SELECT ${provider}, clock_timestamp() + ${count}::int * spacing.ms * interval '1 millisecond',
        CASE WHEN ${spread}::float8 >= 0 THEN ${spread}::float8 END, clock_timestamp() + ${JITTER.freshSeconds}::int * interval '1 second'
      FROM spacing
      ON CONFLICT (provider) DO UPDATE
        SET next_slot_at = GREATEST(s.next_slot_at, clock_timestamp()) + ${count}::int * (SELECT ms FROM spacing) * interval '1 millisecond',
          -- the largest fresh spread of any process, a tenth less each time unless reported again
          spread_ms = GREATEST(${spread}::float8, 0.9 * (SELECT spread FROM shared)),
          spread_until = CASE WHEN ${spread}::float8 >= 0 OR (SELECT spread FROM shared) >= 0 THEN clock_timestamp() + ${JITTER.freshSeconds}::int * interval '1 second' ELSE s.spread_until END
      RETURNING (extract(epoch FROM s.next_slot_at - clock_timestamp()) * 1000)::float8 - ${count}::int * (SELECT ms FROM spacing) AS delay_ms,
                (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS db_now_ms, (SELECT ms FROM spacing)::float8 AS spacing_ms`;
    const receivedAt = now();
    const row = rows[0];
    if (!row) throw new Error('slot reservation returned no row');
    const dbNow = Number(row.db_now_ms);
    const spacingMs = Number(row.spacing_ms);
    const first = dbNow + clockOffset(receivedAt, receivedAt - dbNow) + Math.max(0, Number(row.delay_ms));
    return Array.from({ length: count }, (_, i) => first + i * spacingMs);
  }

  // Hands out the lane's slots one at a time, in order; only one pump runs per lane.
  async function pump(provider: string, lane: Lane): Promise<void> {
    if (lane.pumping) return;
    lane.pumping = true;
    try {
      while (lane.waiting > 0) {
        const slot = lane.slots.shift() ?? (await nextBatch(provider, lane));
        if (slot < now() - LATE_TOLERANCE_MS) continue;
        await sleep(slot - now(), closing.signal);
        if (now() > slot + LATE_TOLERANCE_MS) continue;
        const waiter = nextInTurn(lane);
        if (!waiter) {
          lane.slots.unshift(slot); // every waiter aborted meanwhile: keep it for the next caller
          break;
        }
        waiter.detach();
        waiter.resolve(ticketFor(lane, slot));
      }
    } catch (error) {
      const reason = closing.signal.aborted ? new Error('rate limiter closed') : new DependencyUnavailableError('rate limiter database', { cause: error });
      for (const queue of lane.queues.values()) {
        for (const waiter of queue) {
          waiter.detach();
          waiter.reject(reason);
        }
      }
      lane.queues.clear();
      lane.turns = [];
      lane.waiting = 0;
    } finally {
      lane.pumping = false;
      if (lane.waiting > 0 && !closing.signal.aborted) void pump(provider, lane);
    }
  }

  /** The first waiter of the share whose turn it is; that share goes to the back of the line. */
  function nextInTurn(lane: Lane): Waiter | undefined {
    for (;;) {
      const share = lane.turns.shift();
      if (share === undefined) return undefined;
      const queue = lane.queues.get(share);
      const waiter = queue?.shift();
      if (!queue || !waiter) continue;
      lane.waiting -= 1;
      if (queue.length > 0) lane.turns.push(share);
      else lane.queues.delete(share);
      return waiter;
    }
  }

  async function nextBatch(provider: string, lane: Lane): Promise<number> {
    // reserve as many as are waiting, within limits (unused slots are lost to every process),
    // and in proportion to the shares waiting here (see fairness above)
    const limit = Math.max(1, Math.min(maxBatch, Math.floor(lane.ceiling / 10)));
    const shares = Math.max(1, Math.min(MAX_SHARES_PER_BATCH, lane.turns.length));
    const slots = await reserve(provider, lane, Math.min(limit * shares, Math.max(1, lane.waiting)));
    lane.slots.push(...slots.slice(1));
    return slots[0] as number;
  }

  function acquire(provider: string, ceilingPerSecond: number, signal?: AbortSignal, share: string = DEFAULT_SHARE): Promise<SlotTicket | void> {
    if (closing.signal.aborted) return Promise.reject(new Error('rate limiter closed'));
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (ceilingPerSecond === Number.POSITIVE_INFINITY) return Promise.resolve();
    if (!(ceilingPerSecond > 0)) return Promise.reject(new RangeError('ceilingPerSecond must be positive'));
    let lane = lanes.get(provider);
    if (!lane) {
      lane = { queues: new Map(), turns: [], waiting: 0, slots: [], ceiling: ceilingPerSecond, pumping: false, late: [] };
      lanes.set(provider, lane);
    }
    lane.ceiling = ceilingPerSecond;
    const current = lane;
    return new Promise<SlotTicket>((resolve, reject) => {
      const onAbort = (): void => {
        const queue = current.queues.get(share);
        const index = queue?.indexOf(waiter) ?? -1;
        if (queue && index >= 0) {
          queue.splice(index, 1);
          current.waiting -= 1;
          if (queue.length === 0) {
            current.queues.delete(share);
            current.turns = current.turns.filter((s) => s !== share);
          }
        }
        reject(abortReason(signal));
      };
      const waiter: Waiter = { resolve, reject, detach: () => signal?.removeEventListener('abort', onAbort) };
      signal?.addEventListener('abort', onAbort, { once: true });
      const queue = current.queues.get(share);
      if (queue) queue.push(waiter);
      else {
        current.queues.set(share, [waiter]);
        current.turns.push(share);
      }
      current.waiting += 1;
      void pump(provider, current);
    });
  }

  return {
    acquire,
    close: () => closing.abort(),
  };
}
