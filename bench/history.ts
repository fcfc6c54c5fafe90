import { type Client, type WorkflowHandle } from '@temporalio/client';

type History = Awaited<ReturnType<WorkflowHandle['fetchHistory']>>;

type Timestamp = { seconds?: { toString(): string } | number | null; nanos?: number | null } | null | undefined;
const toMs = (t: Timestamp): number => (t ? Number(t.seconds?.toString() ?? 0) * 1000 + (t.nanos ?? 0) / 1e6 : Number.NaN);

export type HistoryFigures = {
  /** Executions in the continue-as-new chain. */
  runs: number;
  /** History events summed over the chain. */
  events: number;
  /** The snapshot: its first step started and its last step completed (snapshotRun in runs before streaming), Temporal server time (epoch ms). */
  snapshotStartedAt: number;
  snapshotCompletedAt: number;
  /** revokePage attempts started, by the identity of the worker that took them. */
  pagesByWorker: Record<string, number>;
};

/**
 * Follows the continue-as-new chain from the first execution (each closing event names the
 * next run), summing history events, and finds when the snapshot's first step started and its
 * last one completed (pages run between them).
 */
export async function historyFigures(client: Client, workflowId: string, firstRunId: string): Promise<HistoryFigures> {
  let runId: string | undefined = firstRunId;
  const figures: HistoryFigures = { runs: 0, events: 0, snapshotStartedAt: Number.NaN, snapshotCompletedAt: Number.NaN, pagesByWorker: {} };
  while (runId) {
    const history: History = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    const events: NonNullable<History['events']> = history.events ?? [];
    figures.runs += 1;
    figures.events += events.length;
    runId = undefined;
    const snapshotScheduled = new Set<string>();
    const pageScheduled = new Set<string>();
    for (const event of events) {
      const id = String(event.eventId ?? '');
      const scheduled = event.activityTaskScheduledEventAttributes?.activityType?.name;
      if (scheduled === 'snapshotRun' || scheduled === 'snapshotStep') snapshotScheduled.add(id);
      if (scheduled === 'revokePage') pageScheduled.add(id);
      const started = event.activityTaskStartedEventAttributes;
      if (started && snapshotScheduled.has(String(started.scheduledEventId ?? '')) && Number.isNaN(figures.snapshotStartedAt)) figures.snapshotStartedAt = toMs(event.eventTime);
      if (started && pageScheduled.has(String(started.scheduledEventId ?? ''))) {
        const worker = started.identity ?? 'unknown';
        figures.pagesByWorker[worker] = (figures.pagesByWorker[worker] ?? 0) + 1;
      }
      const completed = event.activityTaskCompletedEventAttributes;
      if (completed && snapshotScheduled.has(String(completed.scheduledEventId ?? ''))) figures.snapshotCompletedAt = toMs(event.eventTime);
      const next: string | null | undefined = event.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
      if (next) runId = next;
    }
  }
  return figures;
}
