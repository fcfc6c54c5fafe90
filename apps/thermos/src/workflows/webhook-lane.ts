import { condition, continueAsNew, defineSignal, proxyActivities, setCurrentDetails, setHandler, workflowInfo } from '@temporalio/workflow';
import { WEBHOOK_WAKE_SIGNAL, type WebhookLaneInput } from '@at/common/temporal-contract';
import type { WebhookActivities } from '../webhooks/lane-activity';

const wakeSignal = defineSignal(WEBHOOK_WAKE_SIGNAL);

const { workWebhookLane } = proxyActivities<WebhookActivities>({
  // a pass takes heads for a minute, then waits for its attempts in flight (15 s each at most)
  startToCloseTimeout: '5 minutes',
  // a killed worker's pass is handed to another worker this long after its last heartbeat
  heartbeatTimeout: '15 seconds',
  // no attempt limit: a pass that cannot reach Postgres is tried again until it can, nothing is dropped
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

// a pass that attempted nothing while something looked due (a row locked by a pass still
// finishing elsewhere) waits at least this long before looking again: no hot loop
const IDLE_FLOOR_MS = 2_000;

/**
 * The deliveries of one lane of one endpoint (workflow id webhooks-<endpoint>-<lane>). Started
 * or woken by a signal (`wake`, sent with start by the relay when it dispatches events to the
 * lane, and by the retry API). Runs passes of its activity back to back while work is due;
 * between them sleeps on a durable timer until the earliest retry is due (backoff and
 * Retry-After are written as next_attempt_at by the attempt), or until woken; ends when nothing
 * is pending, and continues as new before its history grows large. It holds no state of its
 * own: the delivery rows are the record, so a restart or a replay loses nothing.
 */
export async function webhookLaneWorkflow(input: WebhookLaneInput): Promise<{ attempted: number }> {
  let woken = false;
  setHandler(wakeSignal, () => {
    woken = true;
  });
  let attempted = 0;
  for (;;) {
    if (workflowInfo().continueAsNewSuggested) return await continueAsNew<typeof webhookLaneWorkflow>(input);
    woken = false;
    const pass = await workWebhookLane(input);
    attempted += pass.attempted;
    if (pass.nextDueAt === null) {
      // a wake-up during the last pass may be for a delivery made after it looked
      if (woken) continue;
      setCurrentDetails(`idle: ${attempted} attempts`);
      return { attempted };
    }
    const waitMs = Math.max(Date.parse(pass.nextDueAt) - Date.now(), pass.attempted === 0 ? IDLE_FLOOR_MS : 0);
    setCurrentDetails(`${attempted} attempts; next due ${pass.nextDueAt}`);
    if (waitMs > 0 && !woken) await condition(() => woken, waitMs);
  }
}
