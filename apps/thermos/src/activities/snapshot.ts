import { Context } from '@temporalio/activity';
import type { PrismaClient } from '@at/db';
import type { RunTarget } from '@at/common';
import { ensureRun, snapshotNextPage } from '../runs/snapshot-store';

export type SnapshotInput = { runId: string; workflowId: string; target: RunTarget; includeDeletedRoot: boolean; jobId?: string | null; pageSize: number; snapshotPageSize: number };
export type SnapshotResult = { total: number; pages: number; lanes: number };

/**
 * Copies the target's live connection ids into revoke items, lane by lane, a keyset page per
 * transaction, heartbeating after each; then numbers the pages of each lane. Resumable from the
 * run row's own cursor.
 */
export async function snapshotRun(db: PrismaClient, input: SnapshotInput): Promise<SnapshotResult> {
  const ctx = Context.current();
  await ensureRun(db, input.runId, input.workflowId, input.pageSize, input.jobId ?? null);
  for (;;) {
    ctx.cancellationSignal.throwIfAborted();
    const progress = await snapshotNextPage(db, input.runId, input.target, input.includeDeletedRoot, input.snapshotPageSize);
    ctx.heartbeat({ total: progress.total });
    if (progress.done) break;
  }
  const run = await db.revokeRun.findUniqueOrThrow({ where: { id: input.runId }, select: { total: true, pages: true, lanes: true } });
  return { total: run.total, pages: run.pages, lanes: run.lanes };
}
