import { type NativeConnection, Worker } from '@temporalio/worker';
import type { Logger } from '@at/common';
import type { PrismaClient } from '@at/db';
import type { createRevoker } from '@at/providers';
import type { Vault } from '@at/vault';
import { createHealthActivities, createRevokeActivities, createSweepActivities } from './activities';

export type WorkerOptions = {
  connection: NativeConnection;
  namespace: string;
  db: PrismaClient;
  vault: Vault;
  revoker: ReturnType<typeof createRevoker>;
  logger: Logger;
  concurrency: number;
  maxConcurrentActivities: number;
  shutdownGraceMs: number;
  taskQueue: string;
  /** The workflow bundle file to run (see workflow-bundle.ts). */
  workflowBundlePath: string;
};

export type RunningWorker = { worker: Worker; done: Promise<void>; stop: () => Promise<void> };

/** The thermos worker: revoke and health workflows with their activities. */
export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const worker = await Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    workflowBundle: { codePath: options.workflowBundlePath },
    activities: {
      ...createRevokeActivities({ db: options.db, vault: options.vault, revoker: options.revoker, logger: options.logger, concurrency: options.concurrency }),
      ...createHealthActivities(options.db),
      ...createSweepActivities({ db: options.db, logger: options.logger }),
    },
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivities,
    // without a grace time every deploy would cancel in-flight pages
    shutdownGraceTime: options.shutdownGraceMs,
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
