/**
 * Workflow histories kept under version control (apps/thermos/test/histories/*.json) and
 * replayed against the current workflow bundle, so a change that would break running
 * workflows fails the tests. Each file is one execution's history in Temporal's JSON form (what
 * `temporal workflow show --output json` and `historyToJSON` write). `pnpm --filter @at/thermos
 * histories:capture` writes them from a real dev-server run; docs/workflows.md says when.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';

export const HISTORIES_DIR = path.resolve(__dirname, '../test/histories');

export type History = Awaited<ReturnType<WorkflowHandle['fetchHistory']>>;
export type HistoryFixture = { file: string; workflowType: string; history: History };

/** Every execution of a run, first to last, following continue-as-new. */
export async function fetchRunChain(client: Client, workflowId: string, firstRunId: string): Promise<Array<{ runId: string; history: History }>> {
  const chain: Array<{ runId: string; history: History }> = [];
  for (let runId: string | undefined = firstRunId; runId; ) {
    const history: History = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    chain.push({ runId, history });
    const last = history.events?.[history.events.length - 1];
    runId = last?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
  return chain;
}

/** The workflow type an execution ran, from its first event. */
export function workflowTypeOf(history: History): string {
  const name = history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name;
  if (!name) throw new Error('a history must start with WorkflowExecutionStarted');
  return name;
}

/** The fixtures in `dir`, by file name. */
export function readHistoryFixtures(dir = HISTORIES_DIR): HistoryFixture[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const history = historyFromJSON(JSON.parse(readFileSync(path.join(dir, file), 'utf8')));
      return { file, workflowType: workflowTypeOf(history), history };
    });
}
