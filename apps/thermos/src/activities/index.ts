import { Context } from '@temporalio/activity';
import type { LaneShape, Logger, RunCounts } from '@at/common';
import type { PrismaClient } from '@at/db';
import type { createRevoker } from '@at/providers';
import type { Vault } from '@at/vault';
import { closeRun, completeRun } from '../runs/close-run';
import type { PauseGate } from '@at/lifecycle';
import type { RunEnd } from '../runs/release-store';
import { loadLanes } from '../runs/snapshot-store';
import { toActivityFailure } from './failures';
import { revokePage, type RevokePageInput } from './revoke-page';
import { refreshDuePage, type RefreshAheadDeps, type RefreshDuePageInput } from './refresh-ahead';
import { snapshotRun, snapshotStep, type SnapshotInput, type SnapshotStepInput } from './snapshot';

export { createSweepActivities, type SweepActivities } from './sweep';

export type RevokeActivityDeps = { db: PrismaClient; vault: Vault; revoker: ReturnType<typeof createRevoker>; logger: Logger; concurrency: number; pause?: PauseGate | undefined };

/** The revoke workflow's activities, bound to their dependencies (injected by the worker or a test). */
export function createRevokeActivities(deps: RevokeActivityDeps) {
  // every error leaves an activity classified (transient or permanent) with a message of our own
  const classified =
    <I extends { runId: string }, O>(activity: string, fn: (input: I) => Promise<O>) =>
    async (input: I): Promise<O> => {
      try {
        return await fn(input);
      } catch (error) {
        throw toActivityFailure(error, { activity, logger: deps.logger, fields: { run_id: input.runId } });
      }
    };
  return {
    snapshotRun: classified('snapshotRun', (input: SnapshotInput) => snapshotRun(deps.db, input, deps.logger)),
    snapshotStep: classified('snapshotStep', (input: SnapshotStepInput) => snapshotStep(deps.db, input, deps.logger)),
    loadLanes: classified('loadLanes', (input: { runId: string; afterLane: number; limit: number }): Promise<LaneShape[]> =>
      loadLanes(deps.db, input.runId, input.afterLane, input.limit),
    ),
    revokePage: classified('revokePage', (input: RevokePageInput) => revokePage(deps, input)),
    completeRun: classified('completeRun', async (input: { runId: string }): Promise<RunCounts> => {
      const counts = await completeRun(deps.db, input.runId);
      deps.logger.info('run completed', { run_id: input.runId, ...counts });
      return counts;
    }),
    /** Ends a run that did not complete: failed (with its reason) or cancelled. */
    endRun: classified('endRun', async (input: { runId: string; end: RunEnd }): Promise<void> => {
      const ctx = Context.current();
      await closeRun(deps.db, input.runId, input.end, () => ctx.heartbeat());
      const log = input.end.status === 'failed' ? deps.logger.error.bind(deps.logger) : deps.logger.info.bind(deps.logger);
      log(`run ${input.end.status}`, { run_id: input.runId, code: input.end.code });
    }),
  };
}

export type RevokeActivities = ReturnType<typeof createRevokeActivities>;

/** Activities of the health workflow: proves worker, Temporal and Postgres end to end. */
export function createHealthActivities(db: PrismaClient) {
  return {
    async databasePing(): Promise<string> {
      const [row] = await db.$queryRaw<Array<{ now: Date }>>`SELECT now() AS now`;
      return row?.now.toISOString() ?? '';
    },
  };
}

/** Refresh ahead's activity, bound to the lifecycle dependencies (shared with apollo's vend). */
export function createRefreshAheadActivities(deps: RefreshAheadDeps) {
  return {
    refreshDuePage: (input: RefreshDuePageInput) => refreshDuePage(deps, input),
  };
}

export type RefreshAheadActivities = ReturnType<typeof createRefreshAheadActivities>;
