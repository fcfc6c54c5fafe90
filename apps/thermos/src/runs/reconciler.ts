import type { Client } from '@temporalio/client';
import type { Logger } from '@at/common';
import type { PrismaClient } from '@at/db';
import { runStatus } from '../http/run-status';
import { runsToReconcile } from './run-store';

export type Reconciler = { stop(): Promise<void> };

/**
 * Closes runs whose workflow ended without closing them (terminated, timed out, gone) even if
 * nobody asks for their status: on start and every `everyMs`, each run not yet released is
 * checked against Temporal exactly as GET run does (runStatus), which releases what a closed
 * chain still held. Several workers may run it at once: closing is idempotent.
 */
export function startReconciler(options: { db: PrismaClient; temporal: Client; logger: Logger; everyMs: number }): Reconciler {
  const { db, temporal, logger } = options;
  let stopped = false;
  let current: Promise<void> = Promise.resolve();
  const tick = async () => {
    // a run younger than this may not have heard from its workflow yet
    const runs = await runsToReconcile(db, new Date(Date.now() - 10_000), 100);
    for (const run of runs) {
      if (stopped) return;
      try {
        const before = run.status;
        const after = await runStatus(db, temporal, run.workflowId, run.id, { logger, settleWaitMs: 60_000 });
        if (after && before === 'running' && after.status !== 'running') logger.warn('closed a run whose workflow had ended without closing it', { run_id: run.id, workflow_id: run.workflowId, status: after.status, code: after.failure?.code });
      } catch (error) {
        logger.warn('could not reconcile a run; trying again later', { run_id: run.id, error: error instanceof Error ? error.message : String(error) });
      }
    }
  };
  const schedule = () => {
    if (stopped) return;
    current = tick().catch((error: unknown) => void logger.warn('run reconciliation failed; trying again later', { error: error instanceof Error ? error.message : String(error) }));
  };
  schedule();
  const timer = setInterval(() => void current.then(schedule), options.everyMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await current;
    },
  };
}
