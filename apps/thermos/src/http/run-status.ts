import type { Client, WorkflowExecutionDescription } from '@temporalio/client';
import { optionalTsToMs } from '@temporalio/common/lib/time';
import { EMPTY_RUN_COUNTS, redactString, type Logger, type RunCounts, type RunFailure, type RunRetrying, type RunStatus } from '@at/common';
import type { PrismaClient } from '@at/db';
import { closeRun } from '../runs/close-run';
import type { RunEnd } from '../runs/release-store';
import { getRun, getRunCounts, type RunRow } from '../runs/run-store';

export type RunStatusView = {
  run_id: string;
  workflow_id: string;
  status: RunStatus;
  counts: RunCounts;
  failure: RunFailure | null;
  retrying: RunRetrying | null;
  created_at: string | null;
  finished_at: string | null;
};

type PendingActivity = NonNullable<WorkflowExecutionDescription['raw']['pendingActivities']>[number];

/** What Temporal says about the chain of executions that started with `runId`. */
type ChainState = { kind: 'running'; pending: PendingActivity[] } | { kind: 'closed'; status: string } | { kind: 'not_found' };

export type RunStatusOptions = { logger: Logger; /** How long a GET waits for a run it found closed under our feet to be released. */ settleWaitMs?: number };

/**
 * A run's status: Postgres is the source (progress and results never come from Temporal
 * visibility). Temporal is asked while the run is not yet settled: to say what is being retried
 * right now, and to notice a chain that closed without recording its end (terminated, timed
 * out, or gone), which is then closed here: its items settled, its connections released.
 */
export async function runStatus(db: PrismaClient, temporal: Client, workflowId: string, runId: string, options: RunStatusOptions): Promise<RunStatusView | null> {
  const run = await getRun(db, runId);
  if (run && run.workflowId !== workflowId) return null;
  if (run && (run.status === 'completed' || (run.status !== 'running' && run.releasedAt !== null))) return view(workflowId, runId, run, await getRunCounts(db, runId, run.total), null);

  const chain = await chainState(temporal, workflowId, runId);
  if (chain.kind === 'running') {
    const retrying = retryingOf(chain.pending);
    if (!run) return { ...emptyView(workflowId, runId, 'running', null), retrying };
    return view(workflowId, runId, run, await getRunCounts(db, runId, run.total), retrying);
  }
  if (!run) {
    // closed before it wrote its row (it never snapshotted anything), or never existed
    if (chain.kind === 'not_found') return null;
    const end = endOf(chain.status);
    return emptyView(workflowId, runId, end.status, end.status === 'failed' ? { code: end.code, message: end.message } : null);
  }
  // Closed (or gone) without having released what it held: close it ourselves, from what we know.
  const end: RunEnd =
    run.status === 'running'
      ? endOf(chain.kind === 'not_found' ? 'NOT_FOUND' : chain.status)
      : run.status === 'failed'
        ? { status: 'failed', code: run.failure?.code ?? 'workflow_closed', message: run.failure?.message ?? 'the run failed' }
        : { status: 'cancelled', code: 'cancelled', message: 'the job was cancelled' };
  await settle(db, runId, end, options);
  const settled = (await getRun(db, runId)) ?? run;
  const counts = await getRunCounts(db, runId, settled.total);
  // while a long release is still going on the row says running: report how the run ended
  if (settled.status !== 'running') return view(workflowId, runId, settled, counts, null);
  return { ...view(workflowId, runId, settled, counts, null), status: end.status, failure: end.status === 'failed' ? { code: end.code, message: end.message } : null };
}

function view(workflowId: string, runId: string, run: RunRow, counts: RunCounts, retrying: RunRetrying | null): RunStatusView {
  return {
    run_id: runId,
    workflow_id: workflowId,
    status: run.status,
    counts,
    failure: run.status === 'failed' ? run.failure : null,
    retrying: run.status === 'running' ? retrying : null,
    created_at: run.createdAt.toISOString(),
    finished_at: run.finishedAt?.toISOString() ?? null,
  };
}

const emptyView = (workflowId: string, runId: string, status: RunStatus, failure: RunFailure | null): RunStatusView => ({
  run_id: runId,
  workflow_id: workflowId,
  status,
  counts: EMPTY_RUN_COUNTS,
  failure,
  retrying: null,
  created_at: null,
  finished_at: null,
});

/** How a run ended, from the status of the last execution of its chain. */
export function endOf(temporalStatus: string): RunEnd {
  switch (temporalStatus) {
    case 'TERMINATED':
      return { status: 'failed', code: 'workflow_terminated', message: 'the workflow was terminated before the run finished' };
    case 'TIMED_OUT':
      return { status: 'failed', code: 'workflow_timed_out', message: 'the workflow timed out before the run finished' };
    case 'CANCELLED':
    case 'CANCELED':
      return { status: 'cancelled', code: 'cancelled', message: 'the workflow was cancelled' };
    case 'FAILED':
      return { status: 'failed', code: 'workflow_failed', message: 'the workflow failed before recording how the run ended' };
    case 'NOT_FOUND':
      return { status: 'failed', code: 'workflow_missing', message: 'Temporal no longer knows the workflow of this run' };
    default:
      return { status: 'failed', code: 'workflow_closed', message: 'the workflow closed before the run finished' };
  }
}

// In-process: concurrent GETs of one closed run share one release.
const settling = new Map<string, Promise<void>>();

/** Closes a run (see closeRun), waiting for it at most `settleWaitMs`; a long release goes on in the background. */
export async function settle(db: PrismaClient, runId: string, end: RunEnd, options: RunStatusOptions): Promise<void> {
  let pending = settling.get(runId);
  if (!pending) {
    pending = closeRun(db, runId, end)
      .catch((error: unknown) => void options.logger.error('closing a run failed; the reconciler will try again', { run_id: runId, error }))
      .finally(() => settling.delete(runId));
    settling.set(runId, pending);
  }
  await Promise.race([pending, new Promise((resolve) => setTimeout(resolve, options.settleWaitMs ?? 3_000).unref())]);
}

/**
 * The chain that started with `runId`. The workflow id alone names its latest execution, which
 * may belong to a newer chain (a later job over the same scope reuses the id once ours closed):
 * the chain is identified by its first execution run id, never followed into another.
 */
export async function chainState(temporal: Client, workflowId: string, runId: string): Promise<ChainState> {
  let latest: WorkflowExecutionDescription;
  try {
    latest = await temporal.workflow.getHandle(workflowId).describe();
  } catch (error) {
    if (isNotFound(error)) return { kind: 'not_found' };
    throw error;
  }
  if (latest.raw.workflowExecutionInfo?.firstRunId === runId) {
    return latest.status.name === 'RUNNING' ? { kind: 'running', pending: latest.raw.pendingActivities ?? [] } : { kind: 'closed', status: latest.status.name };
  }
  // a newer chain holds the id (so ours is closed), or ours never existed
  return lastOfChain(temporal, workflowId, runId);
}

/** Follows a chain through its continue-as-new links (close events only) to its last execution. */
async function lastOfChain(temporal: Client, workflowId: string, firstRunId: string): Promise<ChainState> {
  let runId = firstRunId;
  for (let hops = 0; hops < 10_000; hops += 1) {
    let description: WorkflowExecutionDescription;
    try {
      description = await temporal.workflow.getHandle(workflowId, runId).describe();
    } catch (error) {
      if (isNotFound(error)) return hops === 0 ? { kind: 'not_found' } : { kind: 'closed', status: 'UNKNOWN' };
      throw error;
    }
    if (description.status.name === 'RUNNING') return { kind: 'running', pending: description.raw.pendingActivities ?? [] };
    if (description.status.name !== 'CONTINUED_AS_NEW') return { kind: 'closed', status: description.status.name };
    const close = await temporal.workflowService.getWorkflowExecutionHistory({
      namespace: temporal.options.namespace,
      execution: { workflowId, runId },
      // HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT: only the last event, which names the next run
      historyEventFilterType: 2,
    });
    const next = close.history?.events?.[0]?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
    if (!next) return { kind: 'closed', status: 'UNKNOWN' };
    runId = next;
  }
  return { kind: 'closed', status: 'UNKNOWN' };
}

const isNotFound = (error: unknown) => error instanceof Error && (error.name === 'WorkflowNotFoundError' || error.name === 'NamespaceNotFoundError');

/** The step that is failing and being retried right now, if any: the pending activity with the most attempts. */
function retryingOf(pending: PendingActivity[]): RunRetrying | null {
  const failing = pending.filter((a) => (a.attempt ?? 1) > 1 && a.lastFailure).sort((a, b) => (b.attempt ?? 0) - (a.attempt ?? 0))[0];
  if (!failing) return null;
  const next = optionalTsToMs(failing.nextAttemptScheduleTime);
  return {
    activity: failing.activityType?.name ?? 'unknown',
    attempt: failing.attempt ?? 2,
    max_attempts: failing.maximumAttempts ? failing.maximumAttempts : null,
    last_error: safeText(failing.lastFailure?.message ?? ''),
    next_attempt_at: next === undefined ? null : new Date(next).toISOString(),
  };
}

/** Failure messages are our own (activities classify every error), but they are shown to API callers: keep them short and plain. */
function safeText(text: string): string {
  return redactString(text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ')).slice(0, 300);
}
