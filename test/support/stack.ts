import { randomBytes } from 'node:crypto';
import { Client, Connection, ScheduleNotFoundError } from '@temporalio/client';
import { refreshAheadScheduleId } from '@at/common';
import { createDb } from '@at/db';
import { spawnService, type ServiceProcess } from '@at/devstack';
import { capturedLogger, createTestDatabase, testEnv, type TestDatabase } from '@at/testkit';
import { parseApolloEnv, startApollo, type Apollo } from '@at/apollo';
import { parseThermosEnv, startThermos, type Thermos } from '@at/thermos';

export type StackOptions = {
  /** Run the worker as a child process (so a test can SIGKILL it) instead of in process. */
  workerProcess?: boolean;
  thermosEnv?: Record<string, string>;
  apolloEnv?: Record<string, string>;
  /**
   * A migrated database of the test's own (e.g. on a Postgres it restarts) instead of a fresh
   * clone on the shared server; stop() disconnects from it and leaves dropping it to the caller.
   */
  databaseUrl?: string;
  /** A Temporal server of the test's own (e.g. one it restarts) instead of the shared one. */
  temporalAddress?: string;
};

export type Stack = {
  db: TestDatabase;
  apollo: Apollo;
  thermos: Thermos;
  temporal: Client;
  env: Record<string, string>;
  logs: { apollo: string[]; thermos: string[] };
  worker: ServiceProcess | undefined;
  startWorkerProcess(): Promise<ServiceProcess>;
  request<T = Record<string, unknown>>(method: string, path: string, options?: { headers?: Record<string, string>; body?: unknown }): Promise<{ status: number; body: T }>;
  stop(): Promise<void>;
};

/**
 * apollo and thermos against one fresh test database and the shared test Temporal server, on a
 * task queue of their own so parallel test files never pick up each other's workflows.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const db = options.databaseUrl ? ownDatabase(options.databaseUrl) : await createTestDatabase();
  const taskQueue = `test-${randomBytes(6).toString('hex')}`;
  const env: Record<string, string> = {
    DATABASE_URL: db.url,
    TEMPORAL_ADDRESS: options.temporalAddress ?? testEnv('temporalAddress'),
    TEMPORAL_TASK_QUEUE: taskQueue,
    VAULT_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    CURSOR_SECRET: randomBytes(32).toString('hex'),
    THERMOS_SERVICE_TOKEN: randomBytes(24).toString('hex'),
    ADMIN_TOKEN: randomBytes(24).toString('hex'),
    PROVIDER_RETRY_BUDGET_MS: '20000',
    // refresh ahead's Schedule only where a test asks for it (it would outlive the test otherwise)
    REFRESH_AHEAD_INTERVAL_SECONDS: '0',
    // the test providers listen on plain http on loopback
    PROVIDER_ALLOW_INSECURE_LOOPBACK: 'true',
    LOG_LEVEL: 'debug',
    // the sweep fires on the hour for every stack on the shared server: only tests of it turn it on
    REVOKE_SWEEP_INTERVAL: 'off',
    ...options.thermosEnv,
  };
  const thermosLog = capturedLogger('thermos');
  const apolloLog = capturedLogger('apollo');
  const thermos = await startThermos(
    parseThermosEnv({ ...env, THERMOS_PORT: '0', THERMOS_ROLE: options.workerProcess ? 'api' : 'all', SHUTDOWN_GRACE_MS: '2000' }),
    { logger: thermosLog.logger },
  );
  const apollo = await startApollo(parseApolloEnv({ ...env, APOLLO_PORT: '0', THERMOS_URL: thermos.url ?? '', RATE_LIMIT_PER_MINUTE: '100000', ...options.apolloEnv }), { logger: apolloLog.logger });
  const connection = await Connection.connect({ address: env['TEMPORAL_ADDRESS'] as string });
  const temporal = new Client({ connection });
  const stack: Stack = {
    db,
    apollo,
    thermos,
    temporal,
    env,
    logs: { apollo: apolloLog.lines, thermos: thermosLog.lines },
    worker: undefined,
    async startWorkerProcess() {
      const worker = spawnService('thermos-worker', 'apps/thermos/src/main.ts', { ...env, THERMOS_ROLE: 'worker', LOG_LEVEL: 'info', SHUTDOWN_GRACE_MS: '1000' });
      await worker.waitForLine(/"message":"worker started"/, 120_000);
      stack.worker = worker;
      return worker;
    },
    async request<T>(method: string, path: string, opts: { headers?: Record<string, string>; body?: unknown } = {}) {
      const response = await fetch(`${apollo.url}${path}`, {
        method,
        headers: { ...opts.headers, ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
      });
      const text = await response.text();
      return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
    },
    async stop() {
      await temporal.schedule.getHandle(refreshAheadScheduleId(taskQueue)).delete().catch((error: unknown) => {
        if (!(error instanceof ScheduleNotFoundError)) throw error;
      });
      await stack.worker?.kill();
      await apollo.stop();
      await thermos.stop();
      await connection.close();
      await db.drop();
    },
  };
  if (options.workerProcess) await stack.startWorkerProcess();
  return stack;
}

function ownDatabase(url: string): TestDatabase {
  const db = createDb({ url, poolSize: 10 });
  return { url, name: new URL(url).pathname.slice(1), db, drop: () => db.$disconnect() };
}
