import type { Client } from '@temporalio/client';
import { WORKFLOW_TYPES, webhookLaneWake, type Logger } from '@at/common';
import type { PrismaClient } from '@at/db';
import { dispatchEvents, overdueLanes, type Lane } from './delivery-store';

export type WebhookRelay = { stop(): Promise<void> };

export type WebhookRelaySettings = {
  taskQueue: string;
  lanes: number;
  retryForSeconds: number;
  /** How often the outbox is read for new events. */
  pollIntervalMs: number;
  /** A pending delivery this far past due means its lane missed a wake-up: the lane is woken again (looked for every half of it). */
  rewakeAfterMs: number;
};

const DISPATCH_BATCH = 1_000;
// lanes woken at once
const WAKE_PARALLELISM = 16;

/**
 * The outbox relay of a worker: every poll interval it turns new events into delivery rows (one
 * relay at a time across workers, in event order) and wakes the lanes that got some, each
 * with a signal-with-start of its Temporal workflow, which then does the sending. The signal
 * goes after the rows are committed; if this process dies in between, or Temporal is down, the
 * rows are found overdue (WEBHOOK_REWAKE_AFTER_MS, a minute) and their lanes woken then: nothing is
 * lost.
 */
export function startWebhookRelay(options: { db: PrismaClient; temporal: Client; logger: Logger; settings: WebhookRelaySettings }): WebhookRelay {
  const { db, temporal, logger, settings } = options;
  let stopped = false;
  let lastOverdueCheck = 0;

  async function wake(lanes: Lane[]): Promise<void> {
    for (let i = 0; i < lanes.length && !stopped; i += WAKE_PARALLELISM) {
      await Promise.all(
        lanes.slice(i, i + WAKE_PARALLELISM).map((lane) =>
          temporal.workflow
            .signalWithStart(WORKFLOW_TYPES.webhookLane, webhookLaneWake(settings.taskQueue, lane))
            .catch((error: unknown) => void logger.warn('could not wake a webhook lane; woken again once its deliveries are overdue', { endpoint_id: lane.endpointId, lane: lane.lane, error: error instanceof Error ? error.message : String(error) })),
        ),
      );
    }
  }

  async function tick(): Promise<void> {
    for (;;) {
      if (stopped) return;
      const dispatched = await dispatchEvents(db, DISPATCH_BATCH, settings.retryForSeconds, settings.lanes);
      await wake(dispatched.lanes);
      if (dispatched.events < DISPATCH_BATCH) break;
    }
    if (Date.now() - lastOverdueCheck >= settings.rewakeAfterMs / 2) {
      lastOverdueCheck = Date.now();
      const overdue = await overdueLanes(db, settings.rewakeAfterMs, 1_000);
      if (overdue.length > 0) logger.info('waking webhook lanes with overdue deliveries', { lanes: overdue.length });
      await wake(overdue);
    }
  }

  let current: Promise<void> = Promise.resolve();
  let running = false;
  const schedule = () => {
    if (stopped || running) return;
    running = true;
    current = tick()
      .catch((error: unknown) => void logger.warn('webhook relay failed; trying again', { error: error instanceof Error ? error.message : String(error) }))
      .finally(() => {
        running = false;
      });
  };
  schedule();
  const timer = setInterval(schedule, settings.pollIntervalMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await current;
    },
  };
}
