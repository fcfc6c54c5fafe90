import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { createLogger, sweepScheduleId, webhookTaskQueue, type Logger } from '@at/common';
import { createDb } from '@at/db';
import { listen, type RunningServer } from '@at/http';
import { createPauseGate, providerGateOf, refreshTiming } from '@at/lifecycle';
import { createPostgresRateLimiter, createRefresher, createRevoker, egressRefusalOf } from '@at/providers';
import { Vault } from '@at/vault';
import type { ThermosEnv } from './env';
import { createThermosApp } from './http/app';
import { trackingRateLimiter } from './activities/send-tracking';
import { ensureRefreshAheadSchedule } from './refresh/schedule';
import { startReconciler, type Reconciler } from './runs/reconciler';
import { createWebhookActivities } from './webhooks/lane-activity';
import { startWebhookRelay, type WebhookRelay } from './webhooks/relay';
import { ensureSweepSchedule } from './sweep-schedule';
import { installTemporalRuntimeLogger } from './temporal-runtime';
import { runWorker, startWorker, type RunningWorker } from './worker';
import { builtWorkflowBundle, workflowBundlePath } from './workflow-bundle';

export type Thermos = {
  url: string | null;
  port: number | null;
  /** The workflow bundle file the worker runs (null without a worker). */
  workflowBundle: string | null;
  logger: Logger;
  stop: () => Promise<void>;
};

function temporalTls(env: ThermosEnv) {
  return env.TEMPORAL_API_KEY ? { apiKey: env.TEMPORAL_API_KEY, tls: true as const } : env.TEMPORAL_TLS ? { tls: true as const } : {};
}

/**
 * The workflow bundle a worker runs: in production the one built at build time (a
 * WorkflowBundleError if it is missing or not current), else the current sources' (cached).
 */
async function workflowBundleOf(env: ThermosEnv): Promise<string> {
  if (env.THERMOS_WORKFLOW_BUNDLE !== undefined) return builtWorkflowBundle(env.THERMOS_WORKFLOW_BUNDLE);
  if (env.NODE_ENV === 'production') return builtWorkflowBundle();
  return await workflowBundlePath();
}

/** Starts the worker and/or the internal run API (THERMOS_ROLE). */
export async function startThermos(env: ThermosEnv, options: { logger?: Logger } = {}): Promise<Thermos> {
  const logger = options.logger ?? createLogger({ service: 'thermos', level: env.LOG_LEVEL });
  // before anything connects: a worker that may not run its bundle stops here, saying why
  const workflowBundle = env.THERMOS_ROLE === 'api' ? null : await workflowBundleOf(env);
  const db = createDb({ url: env.DATABASE_URL, poolSize: env.DATABASE_POOL_SIZE, applicationName: 'thermos' });
  const vault = Vault.fromSpec(env.VAULT_KEYS, env.VAULT_ACTIVE_KEY_ID);
  let worker: RunningWorker | undefined;
  let reconciler: Reconciler | undefined;
  let relay: WebhookRelay | undefined;
  let webhookWorker: RunningWorker | undefined;
  let nativeConnection: NativeConnection | undefined;
  let server: RunningServer | undefined;
  let clientConnection: Connection | undefined;
  let draining = false;
  let client: { client: Client; connection: Connection } | undefined;
  // one client connection for the run API and the Schedule set-up, made when first needed
  const temporalClient = (): { client: Client; connection: Connection } => {
    if (!client) {
      const connection = Connection.lazy({ address: env.TEMPORAL_ADDRESS, ...temporalTls(env) });
      clientConnection = connection;
      client = { client: new Client({ connection, namespace: env.TEMPORAL_NAMESPACE }), connection };
    }
    return client;
  };

  const rateLimiter = createPostgresRateLimiter(db);
  if (workflowBundle !== null) {
    installTemporalRuntimeLogger(logger);
    nativeConnection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS, ...temporalTls(env) });
    const egress = { allowedHosts: env.PROVIDER_ALLOWED_HOSTS, allowInsecureLoopback: env.PROVIDER_ALLOW_INSECURE_LOOPBACK };
    // an operator's override the policy refuses would fail every call: say so at boot
    for (const [slug, base] of Object.entries(env.PROVIDER_BASE_URLS)) {
      const refusal = egressRefusalOf(new URL(base), egress);
      if (refusal) logger.warn('a PROVIDER_BASE_URLS entry is refused by the egress policy; its calls will fail with egress_denied', { provider: slug, reason: refusal });
    }
    const revoker = createRevoker({
      egress,
      baseUrls: env.PROVIDER_BASE_URLS,
      ceilings: env.PROVIDER_RATE_LIMITS,
      timeoutMs: env.PROVIDER_TIMEOUT_MS,
      retry: { maxAttempts: env.PROVIDER_MAX_ATTEMPTS, budgetMs: env.PROVIDER_RETRY_BUDGET_MS },
      rateLimiter: trackingRateLimiter(rateLimiter),
    });
    // one refresh implementation with apollo's vend path: the same lease, ceilings and rules
    const refresher = createRefresher({ egress, baseUrls: env.PROVIDER_BASE_URLS, ceilings: env.PROVIDER_RATE_LIMITS, rateLimiter, timeoutMs: env.TOKEN_REFRESH_TIMEOUT_MS });
    // one view of the kill switches for revocations and refreshes alike
    const pause = createPauseGate({ db, envPaused: env.PROVIDER_CALLS_PAUSED, ttlMs: env.PAUSE_CHECK_INTERVAL_MS, logger });
    worker = await startWorker({
      connection: nativeConnection,
      namespace: env.TEMPORAL_NAMESPACE,
      db,
      vault,
      revoker,
      logger,
      concurrency: env.REVOKE_CONCURRENCY,
      pause,
      maxConcurrentActivities: env.MAX_CONCURRENT_ACTIVITIES,
      shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      workflowBundlePath: workflowBundle,
      refreshAhead: { db, vault, refresher, logger, gate: providerGateOf(pause), timing: refreshTiming(env.TOKEN_REFRESH_TIMEOUT_MS), concurrency: env.REFRESH_AHEAD_CONCURRENCY },
    });
    reconciler = startReconciler({ db, temporal: new Client({ connection: nativeConnection, namespace: env.TEMPORAL_NAMESPACE }), logger, everyMs: env.RUN_RECONCILE_INTERVAL_MS });
    if (env.REFRESH_AHEAD_INTERVAL_SECONDS > 0) {
      const scheduleId = await ensureRefreshAheadSchedule(temporalClient().client, {
        taskQueue: env.TEMPORAL_TASK_QUEUE,
        intervalSeconds: env.REFRESH_AHEAD_INTERVAL_SECONDS,
        horizonSeconds: env.REFRESH_AHEAD_SECONDS,
        pageSize: env.REFRESH_AHEAD_PAGE_SIZE,
      });
      logger.info('refresh ahead scheduled', { schedule_id: scheduleId, every_seconds: env.REFRESH_AHEAD_INTERVAL_SECONDS, horizon_seconds: env.REFRESH_AHEAD_SECONDS });
    }
    if (env.WEBHOOK_DELIVERY) {
      // deliveries on a task queue of their own: never behind revoke pages for a slot
      webhookWorker = await runWorker(
        {
          connection: nativeConnection,
          namespace: env.TEMPORAL_NAMESPACE,
          taskQueue: webhookTaskQueue(env.TEMPORAL_TASK_QUEUE),
          workflowBundlePath: workflowBundle,
          maxConcurrentActivities: env.WEBHOOK_MAX_CONCURRENT_ACTIVITIES,
          shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
        },
        createWebhookActivities({
          db,
          vault,
          logger,
          settings: { timeoutMs: env.WEBHOOK_TIMEOUT_MS, backoffBaseMs: env.WEBHOOK_BACKOFF_BASE_MS, backoffMaxMs: env.WEBHOOK_BACKOFF_MAX_MS, egress },
          laneConcurrency: env.WEBHOOK_LANE_CONCURRENCY,
          passBudgetMs: 60_000,
        }),
      );
      relay = startWebhookRelay({
        db,
        temporal: new Client({ connection: nativeConnection, namespace: env.TEMPORAL_NAMESPACE }),
        logger,
        settings: { taskQueue: env.TEMPORAL_TASK_QUEUE, lanes: env.WEBHOOK_LANES, retryForSeconds: env.WEBHOOK_RETRY_FOR_SECONDS, pollIntervalMs: env.WEBHOOK_POLL_INTERVAL_MS, rewakeAfterMs: env.WEBHOOK_REWAKE_AFTER_MS },
      });
    }
    logger.info('worker started', { task_queue: env.TEMPORAL_TASK_QUEUE, concurrency: env.REVOKE_CONCURRENCY, workflow_bundle: workflowBundle });
    if (env.REVOKE_SWEEP_INTERVAL !== null) {
      const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS, ...temporalTls(env) });
      try {
        await ensureSweepSchedule(new Client({ connection, namespace: env.TEMPORAL_NAMESPACE }), { taskQueue: env.TEMPORAL_TASK_QUEUE, intervalMs: env.REVOKE_SWEEP_INTERVAL });
      } finally {
        await connection.close();
      }
      logger.info('sweep scheduled', { schedule_id: sweepScheduleId(env.TEMPORAL_TASK_QUEUE), interval_ms: env.REVOKE_SWEEP_INTERVAL });
    }
  }
  if (env.THERMOS_ROLE !== 'worker') {
    const { client: temporal, connection } = temporalClient();
    const app = createThermosApp({ db, temporal, temporalConnection: connection, serviceToken: env.THERMOS_SERVICE_TOKEN, cursorSecret: env.CURSOR_SECRET, logger, isDraining: () => draining });
    server = await listen(app, env.THERMOS_PORT, env.THERMOS_HOST, logger);
  }
  return {
    url: server?.url ?? null,
    port: server?.port ?? null,
    workflowBundle,
    logger,
    stop: async () => {
      draining = true;
      await reconciler?.stop();
      await relay?.stop();
      await Promise.all([worker?.stop(), webhookWorker?.stop(), server?.close()]);
      rateLimiter.close();
      await clientConnection?.close().catch(() => undefined);
      await nativeConnection?.close().catch(() => undefined);
      await db.$disconnect();
    },
  };
}
