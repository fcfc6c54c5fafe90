import type { Client } from '@temporalio/client';

/** A plain copy of a protobuf object with byte arrays decoded (its own toJSON would base64 them). */
function plain(value: unknown, depth = 0): unknown {
  if (depth > 64) return '…';
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map((v) => plain(v, depth + 1));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v, depth + 1)]));
  }
  return value;
}

/**
 * JSON of a Temporal object (history, description) with every byte array decoded as UTF-8:
 * payloads are JSON bytes, so a plain JSON.stringify would hide a secret inside them.
 */
export function decodedText(value: unknown): string {
  return JSON.stringify(plain(value));
}

export type RunRecord = { workflowId: string; runId: string; text: string; events: number };

/** Every run of a workflow chain from its first run, following continue-as-new, with its history text. */
export async function historyChain(client: Client, workflowId: string, firstRunId: string): Promise<RunRecord[]> {
  const runs: RunRecord[] = [];
  let runId: string | undefined = firstRunId;
  while (runId && runs.length < 1000) {
    const history: Awaited<ReturnType<ReturnType<Client['workflow']['getHandle']>['fetchHistory']>> = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    const events = history.events ?? [];
    runs.push({ workflowId, runId, text: decodedText(history), events: events.length });
    const last = events.at(-1);
    runId = last?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
  return runs;
}
