import { Context } from '@temporalio/activity';
import type { WebhookLaneInput, WebhookLanePass } from '@at/common/temporal-contract';
import { toActivityFailure } from '../activities/failures';
import { attemptDelivery, type AttemptDeps } from './attempt';
import { claimDueHeads, nextDueAt } from './delivery-store';

export type WebhookLaneDeps = AttemptDeps & {
  /** Attempts in flight at once in one lane. */
  laneConcurrency: number;
  /** How long one pass keeps taking new heads before it hands back to its workflow. */
  passBudgetMs: number;
};

const HEARTBEAT_MS = 5_000;

/**
 * One pass of a lane: keeps up to `laneConcurrency` attempts in flight, taking the due head of
 * each account as a slot frees (a delivered one makes its account's next event the head), until
 * nothing is due or the pass budget is spent; waits for the attempts in flight (each bounded by
 * the attempt timeout) and says when the lane is next due. Heartbeats: a worker that dies
 * mid-pass has its pass retried by Temporal on another worker, whose claim counts a new attempt
 * (the same webhook-id: receivers dedup).
 */
export async function workWebhookLane(deps: WebhookLaneDeps, lane: WebhookLaneInput): Promise<WebhookLanePass> {
  const ctx = Context.current();
  const started = Date.now();
  const inFlight = new Map<string, Promise<void>>();
  let attempted = 0;
  // nothing more was due at the last look; reset when an attempt ends its delivery
  let drained = false;
  const beat = setInterval(() => ctx.heartbeat(), HEARTBEAT_MS);
  try {
    for (;;) {
      const claiming = !drained && !ctx.cancellationSignal.aborted && Date.now() - started < deps.passBudgetMs;
      const free = deps.laneConcurrency - inFlight.size;
      if (claiming && free > 0) {
        const claimed = await claimDueHeads(deps.db, lane, free, [...inFlight.keys()]);
        if (claimed.length < free) drained = true;
        for (const d of claimed) {
          attempted += 1;
          const work = attemptDelivery(deps, d)
            .then((kind) => {
              if (kind !== 'retry') drained = false;
            })
            .catch((error: unknown) => void deps.logger.warn('webhook attempt could not be recorded; it is taken again when due', { delivery_id: d.id, error: error instanceof Error ? error.message : String(error) }))
            .finally(() => inFlight.delete(d.id));
          inFlight.set(d.id, work);
        }
      }
      if (inFlight.size === 0) {
        if (claiming) continue;
        break;
      }
      await Promise.race(inFlight.values());
      ctx.heartbeat();
    }
    const due = await nextDueAt(deps.db, lane);
    return { attempted, nextDueAt: due ? due.toISOString() : null };
  } catch (error) {
    throw toActivityFailure(error, { activity: 'workWebhookLane', logger: deps.logger, fields: { endpoint_id: lane.endpointId, lane: lane.lane } });
  } finally {
    // a failed pass is retried only once its attempts in flight are recorded
    await Promise.allSettled([...inFlight.values()]);
    clearInterval(beat);
  }
}

/** The webhook lane workflow's activity, bound to its dependencies. */
export function createWebhookActivities(deps: WebhookLaneDeps) {
  return {
    workWebhookLane: (input: WebhookLaneInput) => workWebhookLane(deps, input),
  };
}

export type WebhookActivities = ReturnType<typeof createWebhookActivities>;
