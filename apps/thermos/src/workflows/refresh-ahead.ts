import { continueAsNew, proxyActivities, setCurrentDetails, workflowInfo } from '@temporalio/workflow';
import { ZERO_REFRESH_AHEAD_COUNTS, type RefreshAheadCounts, type RefreshAheadInput } from '@at/common/temporal-contract';
import type { RefreshAheadActivities } from '../activities';

const { refreshDuePage } = proxyActivities<RefreshAheadActivities>({
  // a page waits on provider ceilings: 500 credentials at 1 req/s take over 8 minutes
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', backoffCoefficient: 2 },
});

/**
 * One pass of refresh ahead, started by the thermos Schedule (every minute by default; overlap
 * SKIP, so one pass at a time): renews, page by page, every active credential that expires
 * within the horizon, so the vend path almost always finds a warm token.
 */
export async function refreshAheadWorkflow(input: RefreshAheadInput): Promise<RefreshAheadCounts> {
  // workflow time is deterministic (replayed from history)
  const startedAt = input.resume?.startedAt ?? new Date(Date.now()).toISOString();
  let cursor = input.resume?.cursor ?? null;
  const totals: RefreshAheadCounts = { ...(input.resume?.totals ?? ZERO_REFRESH_AHEAD_COUNTS) };
  const progress = (state: string) =>
    setCurrentDetails(`${state}: ${totals.seen} due credentials seen, ${totals.refreshed} refreshed, ${totals.needs_reauth} need re-authorisation, ${totals.failed} failed, ${totals.skipped} skipped`);
  progress('running');
  for (;;) {
    if (workflowInfo().continueAsNewSuggested) {
      return await continueAsNew<typeof refreshAheadWorkflow>({ ...input, resume: { startedAt, cursor, totals } });
    }
    const page = await refreshDuePage({ startedAt, horizonSeconds: input.horizonSeconds, pageSize: input.pageSize, cursor });
    for (const key of Object.keys(totals) as Array<keyof RefreshAheadCounts>) totals[key] += page.counts[key];
    cursor = page.cursor;
    if (page.done) break;
    progress('running');
  }
  progress('done');
  return totals;
}
