import type { Logger } from '@at/common';
import { insertAuditEvent } from '@at/db';
import { claimDueIntents } from './repositories/revoke-intents';
import { startIntent, type IntentStarterDeps } from './use-cases/revoke-jobs/start-intent';

export type Reconciler = { stop: () => Promise<void>; runOnce: () => Promise<number> };

const BATCH = 20;
// a claimed intent is this reconciler's for so long; a process that dies gives it back by expiry
const CLAIM_LEASE_MS = 60_000;
// one start may take this long before the intent is retried later: well inside the claim's lease
const START_TIMEOUT_MS = 20_000;

/**
 * Turns pending revoke intents into runs, every REVOKE_RECONCILE_INTERVAL_MS. Each intent is
 * claimed with SKIP LOCKED, so several apollo processes share the work and never start one
 * twice at once (and starting twice would only join the same run). Failures back off per intent.
 */
export function startReconciler(deps: IntentStarterDeps, logger: Logger): Reconciler {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;

  const runOnce = async (): Promise<number> => {
    let started = 0;
    for (;;) {
      const intents = await claimDueIntents(deps.db, BATCH, CLAIM_LEASE_MS);
      for (const intent of intents) {
        if (stopped) return started;
        try {
          const { job, created } = await startIntent(deps, intent, START_TIMEOUT_MS);
          started += 1;
          logger.info('revoke intent started', { intent_id: intent.id, job_id: job.id, trigger: intent.trigger, created });
          // a system action: the reconciler (for the sweep's intents, on the sweep's behalf) started a run
          await insertAuditEvent(deps.db, {
            orgId: intent.orgId,
            projectId: intent.projectId,
            actor: { type: 'system', id: intent.trigger === 'sweep' ? 'sweep' : 'reconciler' },
            action: 'startRevokeIntent',
            targets: [intent.id, job.id, intent.scope.id],
            surface: 'system',
            requestId: null,
          }).catch((error: unknown) => void logger.error('a system action could not be written to the audit log', { intent_id: intent.id, error: error instanceof Error ? error.message : String(error) }));
        } catch (error) {
          logger.warn('revoke intent not started, will retry', { intent_id: intent.id, attempts: intent.attempts + 1, error: error instanceof Error ? error.message : String(error) });
        }
      }
      if (intents.length < BATCH || stopped) return started;
    }
  };

  const tick = () => {
    running = runOnce()
      .catch((error: unknown) => {
        logger.warn('reconciler pass failed', { error: error instanceof Error ? error.message : String(error) });
        return 0;
      })
      .finally(() => {
        running = undefined;
        if (!stopped) timer = setTimeout(tick, deps.env.REVOKE_RECONCILE_INTERVAL_MS);
      });
  };
  timer = setTimeout(tick, deps.env.REVOKE_RECONCILE_INTERVAL_MS);

  return {
    runOnce,
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
