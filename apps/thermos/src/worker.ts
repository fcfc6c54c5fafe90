import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, type NativeConnection, Worker } from '@temporalio/worker';
import type { Logger } from '@at/common';
import type { PrismaClient } from '@at/db';
import type { createRevoker } from '@at/providers';
import type { Vault } from '@at/vault';
import { createHealthActivities, createRevokeActivities, createSweepActivities } from './activities';
import type { PauseGate } from './runs/pause-gate';

const WORKFLOWS = path.join(__dirname, 'workflows');

function sourceHash(): string {
  const hash = createHash('sha256');
  const files = [
    ...readdirSync(WORKFLOWS).map((f) => path.join(WORKFLOWS, f)),
    // the modules the workflow bundle imports besides its own folder
    require.resolve('@at/common/temporal-contract'),
    path.join(__dirname, 'activities', 'failure-types.ts'),
  ].sort();
  for (const file of files) hash.update(file).update(readFileSync(file));
  return hash.digest('hex').slice(0, 16);
}

/**
 * The workflow bundle, built once per source version and cached on disk: bundling takes
 * seconds, and tests and restarts would otherwise pay it every time.
 */
export async function workflowBundlePath(cacheDir = path.resolve(__dirname, '../node_modules/.cache/workflow-bundles')): Promise<string> {
  const file = path.join(cacheDir, `workflows-${sourceHash()}.js`);
  if (existsSync(file)) return file;
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('./workflows'), logger: { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined } });
  mkdirSync(cacheDir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, code);
  renameSync(tmp, file);
  return file;
}

export type WorkerOptions = {
  connection: NativeConnection;
  namespace: string;
  db: PrismaClient;
  vault: Vault;
  revoker: ReturnType<typeof createRevoker>;
  logger: Logger;
  concurrency: number;
  pause?: PauseGate | undefined;
  maxConcurrentActivities: number;
  shutdownGraceMs: number;
  taskQueue: string;
};

export type RunningWorker = { worker: Worker; done: Promise<void>; stop: () => Promise<void> };

/** The thermos worker: revoke and health workflows with their activities. */
export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const worker = await Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    workflowBundle: { codePath: await workflowBundlePath() },
    activities: {
      ...createRevokeActivities({ db: options.db, vault: options.vault, revoker: options.revoker, logger: options.logger, concurrency: options.concurrency, pause: options.pause }),
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
