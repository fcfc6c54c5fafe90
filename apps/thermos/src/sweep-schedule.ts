import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { SEARCH_ATTRIBUTES, sweepScheduleId, WORKFLOW_TYPES } from '@at/common';

/**
 * Creates the sweep's Temporal Schedule, or brings an existing one to this interval: every
 * worker does it at start, so whichever starts first creates it and the others agree with it.
 * Overlapping sweeps are skipped; a sweep missed while Temporal was down runs once it is back.
 */
export async function ensureSweepSchedule(client: Client, options: { taskQueue: string; intervalMs: number }): Promise<void> {
  const scheduleId = sweepScheduleId(options.taskQueue);
  const spec = { intervals: [{ every: options.intervalMs }] };
  try {
    await client.schedule.create({
      scheduleId,
      spec,
      action: {
        type: 'startWorkflow',
        workflowType: WORKFLOW_TYPES.sweep,
        workflowId: scheduleId,
        taskQueue: options.taskQueue,
        args: [],
        typedSearchAttributes: [{ key: SEARCH_ATTRIBUTES.trigger, value: 'sweep' }],
        staticSummary: 'sweep: revoke sealed credentials left under deleted parents',
      },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: Math.max(options.intervalMs, 60_000) },
    });
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    const handle = client.schedule.getHandle(scheduleId);
    const current = await handle.describe();
    const every = current.spec.intervals?.[0]?.every;
    if (current.spec.intervals?.length === 1 && every !== undefined && Number(every) === options.intervalMs) return;
    await handle.update((previous) => ({ ...previous, spec }));
  }
}
