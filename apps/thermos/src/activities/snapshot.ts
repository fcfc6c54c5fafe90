import { Context } from '@temporalio/activity';
import type { PrismaClient } from '@at/db';
import type { RunTarget } from '@at/common';
import { ensureRun, snapshotNextPage } from '../runs/snapshot-store';

export type SnapshotInput = { runId: string; workflowId: string; target: RunTarget; includeDeletedRoot: boolean; pageSize: number };

/**
 * Copies the target's live connection ids into revoke items, a keyset page per transaction,
 * heartbeating after each. Resumable from the run row's own cursor. Returns the item count.
 */
export async function snapshotRun(db: PrismaClient, input: SnapshotInput): Promise<{ total: number }> {
  const ctx = Context.current();
  await ensureRun(db, input.runId, input.workflowId);
  for (;;) {
    ctx.cancellationSignal.throwIfAborted();
    const progress = await snapshotNextPage(db, input.runId, input.target, input.includeDeletedRoot, input.pageSize);
    ctx.heartbeat({ total: progress.total });
    if (progress.done) return { total: progress.total };
  }
}
