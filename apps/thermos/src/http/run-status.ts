import type { Client } from '@temporalio/client';
import type { PrismaClient } from '@at/db';
import type { RunCounts } from '@at/common/temporal-contract';
import { finishRun, getRun, getRunCounts } from '../runs/run-store';

export type RunStatusView = {
  run_id: string;
  workflow_id: string;
  status: 'running' | 'completed' | 'failed';
  counts: RunCounts;
  created_at: string | null;
  finished_at: string | null;
};

const EMPTY_COUNTS: RunCounts = { total: 0, pending: 0, revoked: 0, already_revoked: 0, unsupported_by_provider: 0, failed: 0 };

/**
 * A run's status: Postgres is the source (progress and results never come from Temporal
 * visibility). Temporal is asked only while the row says running, to notice a run that was
 * terminated, timed out or never got to write its row.
 */
export async function runStatus(db: PrismaClient, temporal: Client, workflowId: string, runId: string): Promise<RunStatusView | null> {
  const run = await getRun(db, runId);
  if (run && run.workflowId !== workflowId) return null;
  if (run && run.status !== 'running') {
    return view(workflowId, runId, run.status, await getRunCounts(db, runId, run.total), run.createdAt, run.finishedAt);
  }
  const closed = await closedAbnormally(temporal, workflowId, runId);
  if (closed === 'unknown') return null;
  if (!run) return view(workflowId, runId, closed ? 'failed' : 'running', EMPTY_COUNTS, null, null);
  if (closed) await finishRun(db, runId, 'failed', { code: 'workflow_closed', message: 'the workflow closed before the run finished' });
  return view(workflowId, runId, closed ? 'failed' : 'running', await getRunCounts(db, runId, run.total), run.createdAt, closed ? new Date() : null);
}

function view(workflowId: string, runId: string, status: RunStatusView['status'], counts: RunCounts, created: Date | null, finished: Date | null): RunStatusView {
  return { run_id: runId, workflow_id: workflowId, status, counts, created_at: created?.toISOString() ?? null, finished_at: finished?.toISOString() ?? null };
}

/** true when the workflow's latest execution is closed (the row never saw it finish); 'unknown' when it doesn't exist. */
async function closedAbnormally(temporal: Client, workflowId: string, runId: string): Promise<boolean | 'unknown'> {
  try {
    const first = await temporal.workflow.getHandle(workflowId, runId).describe();
    if (first.status.name === 'RUNNING') return false;
    if (first.status.name !== 'CONTINUED_AS_NEW') return true;
    const latest = await temporal.workflow.getHandle(workflowId).describe();
    return latest.status.name !== 'RUNNING';
  } catch (error) {
    if (error instanceof Error && error.name === 'WorkflowNotFoundError') return 'unknown';
    throw error;
  }
}
