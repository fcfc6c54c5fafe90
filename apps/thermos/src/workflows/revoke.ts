import { ActivityFailure, ApplicationFailure, continueAsNew, proxyActivities, setCurrentDetails, workflowInfo } from '@temporalio/workflow';
import { DEFAULT_REVOKE_TUNING, type RevokeWorkflowInput, type RevokeWorkflowResult } from '@at/common/temporal-contract';
import type { RevokeActivities } from '../activities';

const { snapshotRun } = proxyActivities<RevokeActivities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', backoffCoefficient: 2 },
});

// A page holds at most a few hundred connections, each with its own bounded provider retries.
const { revokePage } = proxyActivities<RevokeActivities>({
  startToCloseTimeout: '30 minutes',
  // a killed worker's page is handed to another worker this long after its last heartbeat
  heartbeatTimeout: '15 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', backoffCoefficient: 2 },
});

const { completeRun, failRun } = proxyActivities<RevokeActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds' },
});

/**
 * Revokes every connection of a target: snapshot the live connection ids into Postgres once,
 * then revoke page by page with a few pages in flight, continuing as new when the history
 * grows. Only ids, cursors and counts travel through Temporal.
 */
export async function revokeWorkflow(input: RevokeWorkflowInput): Promise<RevokeWorkflowResult> {
  const info = workflowInfo();
  const runId = info.firstExecutionRunId;
  const tuning = { ...DEFAULT_REVOKE_TUNING, ...input.tuning };
  try {
    let resume = input.resume;
    if (!resume) {
      setCurrentDetails('snapshotting live connections');
      const { total } = await snapshotRun({
        runId,
        workflowId: info.workflowId,
        target: input.target,
        includeDeletedRoot: input.includeDeletedRoot,
        pageSize: tuning.snapshotPageSize,
      });
      resume = { nextPage: 0, pageCount: Math.ceil(total / tuning.pageSize) };
    }
    let { nextPage } = resume;
    const { pageCount } = resume;
    let pagesDone = nextPage;
    const inFlight = new Map<number, Promise<void>>();
    const progress = () => setCurrentDetails(`pages ${pagesDone}/${pageCount} done (${tuning.pageSize} connections each), ${inFlight.size} in flight`);
    progress();
    while (nextPage < pageCount || inFlight.size > 0) {
      if (workflowInfo().continueAsNewSuggested && nextPage < pageCount) {
        await Promise.all(inFlight.values());
        return await continueAsNew<typeof revokeWorkflow>({ ...input, resume: { nextPage, pageCount } });
      }
      while (nextPage < pageCount && inFlight.size < tuning.pageParallelism) {
        const page = nextPage;
        nextPage += 1;
        inFlight.set(
          page,
          revokePage({ runId, page, pageSize: tuning.pageSize }).then(() => {
            inFlight.delete(page);
            pagesDone += 1;
          }),
        );
      }
      progress();
      await Promise.race(inFlight.values());
    }
    const counts = await completeRun({ runId });
    setCurrentDetails(`completed: ${counts.total} connections, ${counts.revoked} revoked, ${counts.failed} failed`);
    return { runId, total: counts.total, pages: pageCount };
  } catch (error) {
    if (error instanceof ActivityFailure || error instanceof ApplicationFailure) {
      await failRun({ runId, code: 'run_failed', message: error.message.slice(0, 500) });
    }
    throw error;
  }
}
