import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleOptionsAction, type ScheduleSpec } from '@temporalio/client';
import { SEARCH_ATTRIBUTES, WORKFLOW_TYPES, refreshAheadScheduleId, type RefreshAheadInput } from '@at/common';

export type RefreshAheadScheduleOptions = { taskQueue: string; intervalSeconds: number; horizonSeconds: number; pageSize: number };

/**
 * Creates the refresh-ahead Schedule of this deployment, or brings an existing one up to this
 * configuration (every worker does this at start; the last one wins, and they agree). One pass
 * at a time (overlap SKIP); a pass never outlives a day. Its runs carry the search attributes of
 * revoke runs (AtTrigger=schedule, AtScopeKind=refresh_ahead) and a static summary.
 */
export async function ensureRefreshAheadSchedule(client: Client, options: RefreshAheadScheduleOptions): Promise<string> {
  const scheduleId = refreshAheadScheduleId(options.taskQueue);
  const input: RefreshAheadInput = { horizonSeconds: options.horizonSeconds, pageSize: options.pageSize };
  const spec: ScheduleSpec = { intervals: [{ every: `${options.intervalSeconds}s` }] };
  const action: ScheduleOptionsAction = {
    type: 'startWorkflow',
    workflowType: WORKFLOW_TYPES.refreshAhead,
    workflowId: scheduleId,
    taskQueue: options.taskQueue,
    args: [input],
    workflowExecutionTimeout: '1 day',
    typedSearchAttributes: [
      { key: SEARCH_ATTRIBUTES.orgId, value: 'all' },
      { key: SEARCH_ATTRIBUTES.projectId, value: 'all' },
      { key: SEARCH_ATTRIBUTES.scopeKind, value: 'refresh_ahead' },
      { key: SEARCH_ATTRIBUTES.trigger, value: 'schedule' },
      { key: SEARCH_ATTRIBUTES.jobId, value: scheduleId },
    ],
    staticSummary: `refresh ahead: renew access tokens expiring within ${options.horizonSeconds} s`,
  };
  try {
    await client.schedule.create({ scheduleId, spec, action, policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 minute' } });
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    await client.schedule.getHandle(scheduleId).update((previous) => ({ ...previous, spec, action, policies: { ...previous.policies, overlap: ScheduleOverlapPolicy.SKIP } }));
  }
  return scheduleId;
}
