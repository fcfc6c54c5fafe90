import type { RunCounts } from '@at/common';
import type { PrismaClient } from '@at/db';
import { getRun, getRunCounts } from './run-store';
import { beginClosing, markEnded, recountRun, releaseHeldConnections, releasePendingItems, type RunEnd } from './release-store';
import { planPages } from './snapshot-store';

/**
 * Ends a run that did not complete (failed, cancelled, or closed under our feet), leaving the
 * truth behind: no more claims, every pending item settled (`cancelled` when nothing was sent,
 * `failed`/outcome_unknown when a call may have been), every connection the run held back to
 * the status it had, counts recounted, the ending recorded. Idempotent, and safe to run from
 * several places at once (the workflow, the run API, the reconciler).
 */
export async function closeRun(db: PrismaClient, runId: string, end: RunEnd, onProgress?: () => void): Promise<void> {
  if (!(await beginClosing(db, runId))) return;
  // a snapshot cut short still has its lanes: number their pages so the counts can be kept
  await planPages(db, runId);
  await releasePendingItems(db, runId, end, onProgress);
  await recountRun(db, runId);
  await markEnded(db, runId, end);
}

/**
 * Ends a run whose pages all finished. Should anything still be pending (it cannot, unless a
 * page returned without recording its items), the run is closed as failed rather than
 * reported complete.
 */
export async function completeRun(db: PrismaClient, runId: string): Promise<RunCounts> {
  const run = await getRun(db, runId);
  const counts = await getRunCounts(db, runId, run?.total ?? 0);
  if (counts.pending > 0) {
    await closeRun(db, runId, { status: 'failed', code: 'internal_error', message: `every page finished but ${counts.pending} items were still pending` });
    return getRunCounts(db, runId, run?.total ?? 0);
  }
  await releaseHeldConnections(db, runId);
  await markEnded(db, runId, { status: 'completed' });
  return counts;
}
