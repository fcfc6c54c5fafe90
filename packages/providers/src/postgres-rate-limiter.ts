import { DependencyUnavailableError } from '@at/common';
import type { PrismaClient } from '@at/db';
import { abortReason, sleep } from './sleep';
import type { RateLimiter } from './types';

export type PostgresRateLimiterOptions = {
  /** Most slots reserved per database round trip (also capped at a tenth of the ceiling). */
  batch?: number;
  /**
   * Fraction of the ceiling actually used, leaving room for timer and network jitter: requests
   * that reach the provider up to 1000 * (1/safety - 1) ms late still never exceed the ceiling in
   * any sliding second (about 110 ms at 0.9; at 0.97 only 31 ms, which a loaded host exceeds).
   */
  safety?: number;
};

type Waiter = { resolve: () => void; reject: (error: unknown) => void; detach: () => void };
/**
 * One ceiling in this process: a FIFO queue per share (run), and `turns`, the shares with
 * someone waiting in the order they are served next: slots go round-robin between them.
 */
type Lane = { queues: Map<string, Waiter[]>; turns: string[]; waiting: number; slots: number[]; ceiling: number; pumping: boolean };

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
  const safety = options.safety ?? 0.9;
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

  async function reserve(provider: string, count: number, spacingMs: number): Promise<number[]> {
    const spanMs = count * spacingMs;
    const rows = await db.$queryRaw<Array<{ delay_ms: number; db_now_ms: number }>>`
      INSERT INTO provider_rate_slots AS s (provider, next_slot_at)
      VALUES (${provider}, clock_timestamp() + ${spanMs}::float8 * interval '1 millisecond')
      ON CONFLICT (provider) DO UPDATE
        SET next_slot_at = GREATEST(s.next_slot_at, clock_timestamp()) + ${spanMs}::float8 * interval '1 millisecond'
      RETURNING (extract(epoch FROM s.next_slot_at - clock_timestamp()) * 1000)::float8 - ${spanMs}::float8 AS delay_ms,
                (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS db_now_ms`;
    const receivedAt = now();
    const row = rows[0];
    if (!row) throw new Error('slot reservation returned no row');
    const dbNow = Number(row.db_now_ms);
    const first = dbNow + clockOffset(receivedAt, receivedAt - dbNow) + Math.max(0, Number(row.delay_ms));
    return Array.from({ length: count }, (_, i) => first + i * spacingMs);
  }

  // Hands out the lane's slots one at a time, in order; only one pump runs per lane.
  async function pump(provider: string, lane: Lane): Promise<void> {
    if (lane.pumping) return;
    lane.pumping = true;
    try {
      while (lane.waiting > 0) {
        const spacingMs = 1000 / (lane.ceiling * safety);
        const slot = lane.slots.shift() ?? (await nextBatch(provider, lane, spacingMs));
        if (slot < now() - LATE_TOLERANCE_MS) continue;
        await sleep(slot - now(), closing.signal);
        if (now() > slot + LATE_TOLERANCE_MS) continue;
        const waiter = nextInTurn(lane);
        if (!waiter) {
          lane.slots.unshift(slot); // every waiter aborted meanwhile: keep it for the next caller
          break;
        }
        waiter.detach();
        waiter.resolve();
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

  async function nextBatch(provider: string, lane: Lane, spacingMs: number): Promise<number> {
    // reserve as many as are waiting, within limits (unused slots are lost to every process),
    // and in proportion to the shares waiting here (see fairness above)
    const limit = Math.max(1, Math.min(maxBatch, Math.floor(lane.ceiling / 10)));
    const shares = Math.max(1, Math.min(MAX_SHARES_PER_BATCH, lane.turns.length));
    const slots = await reserve(provider, Math.min(limit * shares, Math.max(1, lane.waiting)), spacingMs);
    lane.slots.push(...slots.slice(1));
    return slots[0] as number;
  }

  function acquire(provider: string, ceilingPerSecond: number, signal?: AbortSignal, share: string = DEFAULT_SHARE): Promise<void> {
    if (closing.signal.aborted) return Promise.reject(new Error('rate limiter closed'));
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (ceilingPerSecond === Number.POSITIVE_INFINITY) return Promise.resolve();
    if (!(ceilingPerSecond > 0)) return Promise.reject(new RangeError('ceilingPerSecond must be positive'));
    let lane = lanes.get(provider);
    if (!lane) {
      lane = { queues: new Map(), turns: [], waiting: 0, slots: [], ceiling: ceilingPerSecond, pumping: false };
      lanes.set(provider, lane);
    }
    lane.ceiling = ceilingPerSecond;
    const current = lane;
    return new Promise<void>((resolve, reject) => {
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
