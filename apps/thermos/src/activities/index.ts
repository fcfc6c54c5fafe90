import type { Logger } from '@at/common';
import type { RunCounts } from '@at/common/temporal-contract';
import type { PrismaClient } from '@at/db';
import type { createRevoker } from '@at/providers';
import type { Vault } from '@at/vault';
import { finishRun, getRunCounts, getRun } from '../runs/run-store';
import { revokePage, type RevokePageInput } from './revoke-page';
import { refreshDuePage, type RefreshAheadDeps, type RefreshDuePageInput } from './refresh-ahead';
import { snapshotRun, type SnapshotInput } from './snapshot';

export type RevokeActivityDeps = { db: PrismaClient; vault: Vault; revoker: ReturnType<typeof createRevoker>; logger: Logger; concurrency: number };

/** The revoke workflow's activities, bound to their dependencies (injected by the worker or a test). */
export function createRevokeActivities(deps: RevokeActivityDeps) {
  return {
    snapshotRun: (input: SnapshotInput) => snapshotRun(deps.db, input),
    revokePage: (input: RevokePageInput) => revokePage(deps, input),
    async completeRun(input: { runId: string }): Promise<RunCounts> {
      const run = await getRun(deps.db, input.runId);
      const counts = await getRunCounts(deps.db, input.runId, run?.total ?? 0);
      await finishRun(deps.db, input.runId, 'completed');
      deps.logger.info('run completed', { run_id: input.runId, ...counts });
      return counts;
    },
    async failRun(input: { runId: string; code: string; message: string }): Promise<void> {
      await finishRun(deps.db, input.runId, 'failed', { code: input.code, message: input.message });
      deps.logger.error('run failed', { run_id: input.runId, code: input.code });
    },
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
