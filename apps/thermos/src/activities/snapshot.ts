import { Context } from '@temporalio/activity';
import { postgresErrorCode, type PrismaClient } from '@at/db';
import type { LaneShape, Logger, RunTarget } from '@at/common';
import { analyzeItems, ensureRun, laneProgress, snapshotNextPage } from '../runs/snapshot-store';

export type SnapshotInput = { runId: string; workflowId: string; target: RunTarget; includeDeletedRoot: boolean; jobId?: string | null; pageSize: number; snapshotPageSize: number };
export type SnapshotResult = { total: number; pages: number; lanes: number };

/**
 * Copies the target's live connection ids into revoke items, lane by lane, a keyset page per
 * transaction, heartbeating after each; then numbers the pages of each lane. Resumable from the
 * run row's own cursor.
 */
export async function snapshotRun(db: PrismaClient, input: SnapshotInput, logger?: Logger): Promise<SnapshotResult> {
  const ctx = Context.current();
  await ensureRun(db, input.runId, input.workflowId, input.pageSize, input.jobId ?? null);
  let total = 0;
  for (;;) {
    ctx.cancellationSignal.throwIfAborted();
    const progress = await snapshotNextPage(db, input.runId, input.target, input.includeDeletedRoot, input.snapshotPageSize);
    ctx.heartbeat({ total: progress.total });
    total = progress.total;
    if (progress.done) break;
  }
  await refreshItemStatistics(db, input.runId, total, logger);
  const run = await db.revokeRun.findUniqueOrThrow({ where: { id: input.runId }, select: { total: true, pages: true, lanes: true } });
  return { total: run.total, pages: run.pages, lanes: run.lanes };
}

export type SnapshotStepInput = Omit<SnapshotInput, 'snapshotPageSize'> & {
  /** Connections per transaction. */
  size: number;
  /** Transactions follow each other until this long has passed (0: one transaction). */
  budgetMs: number;
  /** The item count at the last refresh of revoke_items's statistics (0: never). */
  analyzedAt: number;
  /** Lanes the workflow holds open (their shapes come back refreshed). */
  held: number[];
  /** The last lane the workflow has loaded, and how many more it can take. */
  afterLane: number;
  limit: number;
};

export type SnapshotStepResult = {
  total: number;
  done: boolean;
  analyzedAt: number;
  /** Lanes with pages to run so far, and their pages. */
  lanes: number;
  pages: number;
  /** The held lanes, refreshed, then the next lanes with pages after `afterLane`. */
  shapes: LaneShape[];
};

/**
 * One step of a streamed snapshot: copies the target's next connections into revoke items for
 * about `budgetMs` (whole transactions, resumable from the run row's cursor as in snapshotRun),
 * then reports the lanes whose pages are ready, so the workflow revokes them while the next step
 * copies more. The planner's statistics of revoke_items are refreshed each time the run's items
 * have doubled (and once more at the end): pages run during the snapshot, and their statements
 * are planned from those statistics.
 */
export async function snapshotStep(db: PrismaClient, input: SnapshotStepInput, logger?: Logger): Promise<SnapshotStepResult> {
  const ctx = Context.current();
  await ensureRun(db, input.runId, input.workflowId, input.pageSize, input.jobId ?? null);
  const startedAt = Date.now();
  let progress;
  do {
    progress = await snapshotNextPage(db, input.runId, input.target, input.includeDeletedRoot, input.size);
    ctx.heartbeat({ total: progress.total });
  } while (!progress.done && Date.now() - startedAt < input.budgetMs);
  let analyzedAt = input.analyzedAt;
  const grown = progress.total >= 2 * analyzedAt || (progress.done && progress.total > analyzedAt);
  if (grown && (await refreshItemStatistics(db, input.runId, progress.total, logger))) analyzedAt = progress.total;
  const lanes = await laneProgress(db, input.runId, input.held, input.afterLane, input.limit);
  return { total: progress.total, done: progress.done, analyzedAt, lanes: lanes.lanes, pages: lanes.pages, shapes: lanes.shapes };
}

/** analyzeItems, best effort: whether the statistics were refreshed (a failure is logged, the run goes on, slower). */
async function refreshItemStatistics(db: PrismaClient, runId: string, total: number, logger?: Logger): Promise<boolean> {
  try {
    return await analyzeItems(db, total);
  } catch (error) {
    logger?.warn('revoke_items statistics not refreshed: the run goes on, slower', { run_id: runId, sqlstate: postgresErrorCode(error) });
    return false;
  }
}
