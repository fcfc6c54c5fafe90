import { Context } from '@temporalio/activity';
import { postgresErrorCode, type PrismaClient } from '@at/db';
import type { Logger } from '@at/common';
import type { RunTarget } from '@at/common';
import { analyzeItems, ensureRun, snapshotNextPage } from '../runs/snapshot-store';

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
  await analyzeItems(db, total).catch((error: unknown) => {
    logger?.warn('revoke_items statistics not refreshed after the snapshot: the run goes on, slower', { run_id: input.runId, sqlstate: postgresErrorCode(error) });
  });
  const run = await db.revokeRun.findUniqueOrThrow({ where: { id: input.runId }, select: { total: true, pages: true, lanes: true } });
  return { total: run.total, pages: run.pages, lanes: run.lanes };
}
