import { type NativeConnection, Worker } from '@temporalio/worker';
import type { Logger } from '@at/common';
import type { PrismaClient } from '@at/db';
import type { createRevoker } from '@at/providers';
import type { Vault } from '@at/vault';
import { createHealthActivities, createRefreshAheadActivities, createRevokeActivities, createSweepActivities } from './activities';
import type { RefreshAheadDeps } from './activities/refresh-ahead';
import type { PauseGate } from '@at/lifecycle';
import type { WebhookActivities } from './webhooks/lane-activity';

/** How a worker polls and runs, whatever activities it is given. */
export type WorkerSettings = {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  /** The workflow bundle file to run (see workflow-bundle.ts). */
  workflowBundlePath: string;
  maxConcurrentActivities: number;
  shutdownGraceMs: number;
};

export type WorkerOptions = WorkerSettings & {
  db: PrismaClient;
  vault: Vault;
  revoker: ReturnType<typeof createRevoker>;
  logger: Logger;
  concurrency: number;
  refreshAhead: RefreshAheadDeps;
  /** The kill switches every provider call of a run passes. */
  pause?: PauseGate | undefined;
};

/** Every activity the workflows call, by name. */
export type ThermosActivities = ReturnType<typeof createRevokeActivities> &
  ReturnType<typeof createHealthActivities> &
  ReturnType<typeof createRefreshAheadActivities> &
  ReturnType<typeof createSweepActivities> &
  WebhookActivities;

export type RunningWorker = { worker: Worker; done: Promise<void>; stop: () => Promise<void> };

/** The thermos worker: revoke, refresh-ahead, health and sweep workflows with their activities. */
export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  return await runWorker(options, {
    ...createRevokeActivities({ db: options.db, vault: options.vault, revoker: options.revoker, logger: options.logger, concurrency: options.concurrency, pause: options.pause }),
    ...createHealthActivities(options.db),
    ...createRefreshAheadActivities(options.refreshAhead),
    ...createSweepActivities({ db: options.db, logger: options.logger }),
  });
}

/** A worker with the given activities (the real ones, or a workflow test's stand-ins) and thermos's settings. */
export async function runWorker(settings: WorkerSettings, activities: Partial<ThermosActivities>): Promise<RunningWorker> {
  const worker = await Worker.create({
    connection: settings.connection,
    namespace: settings.namespace,
    taskQueue: settings.taskQueue,
    workflowBundle: { codePath: settings.workflowBundlePath },
    activities,
    maxConcurrentActivityTaskExecutions: settings.maxConcurrentActivities,
    // without a grace time every deploy would cancel in-flight pages
    shutdownGraceTime: settings.shutdownGraceMs,
    // a page learns it is cancelled (job cancelled, run continuing as new) from a heartbeat's
    // answer: heartbeats go out at least this often, so it stops within a second or two
    maxHeartbeatThrottleInterval: '1 second',
  });
  const done = worker.run();
  return {
    worker,
    done,
    stop: async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}
