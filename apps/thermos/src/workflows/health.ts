import { proxyActivities } from '@temporalio/workflow';
import type { createHealthActivities } from '../activities';

const { databasePing } = proxyActivities<ReturnType<typeof createHealthActivities>>({ startToCloseTimeout: '10 seconds' });

/** Proves the stack end to end: a workflow on the worker's queue running an activity that reads Postgres. */
export async function healthWorkflow(): Promise<{ database_time: string }> {
  return { database_time: await databasePing() };
}
