import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDb, migrate } from '@at/db';
import { freePort, spawnProviderServer, spawnService, startEmbeddedPostgres, startTemporalServer, type ProviderFaults, type ServiceProcess, type SpawnedProviderServer } from '@at/devstack';
import { type Lifecycle } from './lifecycle';
import { findProcess } from './process-stats';
import { type Tuning } from './options';

export const PROVIDER_CLIENTS = {
  system: { clientId: 'bench-system', clientSecret: 'bench-system-secret-0123456789' },
  plain: { clientId: 'bench-plain', clientSecret: 'bench-plain-secret-0123456789' },
  realistic: { clientId: 'bench-realistic', clientSecret: 'bench-realistic-secret-0123456789' },
  vend: { clientId: 'bench-vend', clientSecret: 'bench-vend-secret-0123456789' },
  refresh: { clientId: 'bench-refresh', clientSecret: 'bench-refresh-secret-0123456789' },
} as const;

export type Infra = {
  databaseUrl: string;
  postgresPid: number | undefined;
  temporalAddress: string;
  temporalPid: number | undefined;
  secrets: { VAULT_KEYS: string; CURSOR_SECRET: string; THERMOS_SERVICE_TOKEN: string; ADMIN_TOKEN: string };
};

/**
 * An embedded Postgres in a temporary directory (migrated) and an in-memory Temporal dev server.
 * `statements`: load pg_stat_statements (planning tracked too), so a phase can say which statements cost Postgres its CPU.
 */
export async function startInfra(life: Lifecycle, log: (line: string) => void, statements = false): Promise<Infra> {
  const parent = life.own('temporary directory', mkdtempSync(path.join(os.tmpdir(), 'at-bench-')), async (dir) => rmSync(dir, { recursive: true, force: true }));
  life.watchDir(parent);
  chmodSync(parent, 0o755); // initdb runs as the unprivileged postgres user
  const dataDir = path.join(parent, 'postgres');
  log('starting embedded Postgres');
  const pg = life.own('postgres', await startEmbeddedPostgres({
      dataDir,
      port: await freePort(),
      persistent: false,
      database: 'bench',
      ...(statements ? { settings: { shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.track_planning': 'on' } } : {}),
    }), (handle) => handle.stop());
  await migrate(pg.url);
  if (statements) {
    const admin = createDb({ url: pg.url, poolSize: 1, applicationName: 'bench-setup' });
    await admin.$executeRawUnsafe('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    await admin.$disconnect();
  }
  log('starting the Temporal dev server (in memory, headless)');
  const temporal = life.own('temporal', await startTemporalServer({ port: await freePort() }), (handle) => handle.stop());
  const postgresPid = findProcess(dataDir);
  life.watch(postgresPid, 'SIGINT');
  life.watch(temporal.process.pid);
  return {
    databaseUrl: pg.url,
    postgresPid,
    temporalAddress: temporal.address,
    temporalPid: temporal.process.pid,
    secrets: {
      VAULT_KEYS: `k1:${randomBytes(32).toString('base64')}`,
      CURSOR_SECRET: randomBytes(32).toString('hex'),
      THERMOS_SERVICE_TOKEN: randomBytes(24).toString('hex'),
      ADMIN_TOKEN: randomBytes(24).toString('hex'),
    },
  };
}

/** The local RFC 7009 provider, in a process of its own. */
export function startProvider(life: Lifecycle, name: string, faults: ProviderFaults = {}): Promise<SpawnedProviderServer> {
  return spawnProviderServer({ clients: Object.values(PROVIDER_CLIENTS), faults }).then((server) => {
    life.watch(server.pid);
    return life.own(name, server, (s) => s.stop());
  });
}

/** `workers`: the thermos worker processes (--workers); `runApi`: thermos's run API, apart from them, which apollo reads. */
export type Services = { apollo: ServiceProcess; runApi: ServiceProcess; workers: ServiceProcess[]; apolloUrl: string };

/**
 * thermos (workers, and the run API in a process of its own) and apollo as child processes,
 * as the README lays out a deployment (a busy worker never delays apollo's polls). `rateLimits` is
 * PROVIDER_RATE_LIMITS of both (revocations and refreshes share the ceilings); the tuning goes
 * to the variables that carry it. Refresh ahead runs every 10 s (the product default is 60 s),
 * so its phase starts soon after the seeding.
 */
export async function startServices(life: Lifecycle, infra: Infra, tuning: Tuning, rateLimits: Record<string, number>, cpuProfileDir: string | null = null): Promise<Services> {
  const apolloPort = await freePort();
  // the provider server listens on plain http on loopback
  const shared = { DATABASE_URL: infra.databaseUrl, TEMPORAL_ADDRESS: infra.temporalAddress, ...infra.secrets, PROVIDER_ALLOW_INSECURE_LOOPBACK: 'true', LOG_LEVEL: 'info', PROVIDER_RATE_LIMITS: JSON.stringify(rateLimits) };
  // each process writes its own CPU-*.cpuprofile into the folder when it stops
  const profiled = cpuProfileDir === null ? {} : { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${path.resolve(cpuProfileDir)}`] };
  const workers: ServiceProcess[] = [];
  // one process after another: each compiles the workflow bundle at start-up
  for (let i = 0; i < tuning.workers; i += 1) {
    const name = i === 0 ? 'thermos' : `thermos-${i + 1}`;
    const worker = life.own(
      name,
      spawnService(
        name,
        'apps/thermos/src/main.ts',
        {
          ...shared,
          THERMOS_ROLE: 'worker',
          REFRESH_AHEAD_INTERVAL_SECONDS: '10',
          REVOKE_CONCURRENCY: String(tuning.revokeConcurrency),
          MAX_CONCURRENT_ACTIVITIES: String(tuning.maxActivities),
          DATABASE_POOL_SIZE: String(tuning.poolSize),
        },
        profiled,
      ),
      (service) => service.stop(),
    );
    life.watch(worker.child.pid);
    await worker.waitForLine(/"message":"worker started"/, 120_000);
    workers.push(worker);
  }
  const thermosPort = await freePort();
  const runApi = life.own(
    'thermos-api',
    spawnService('thermos-api', 'apps/thermos/src/main.ts', { ...shared, THERMOS_ROLE: 'api', THERMOS_PORT: String(thermosPort) }, profiled),
    (service) => service.stop(),
  );
  life.watch(runApi.child.pid);
  await runApi.waitForLine(/"message":"listening"/, 120_000);
  const apollo = life.own(
    'apollo',
    spawnService('apollo', 'apps/apollo/src/main.ts', {
      ...shared,
      APOLLO_PORT: String(apolloPort),
      THERMOS_URL: `http://127.0.0.1:${thermosPort}`,
      // the benchmark polls and pages far faster than a tenant is allowed to
      RATE_LIMIT_PER_MINUTE: '10000000',
      // the seeding imports as fast as apollo takes it
      IMPORT_RATE_LIMIT_PER_MINUTE: '10000000',
      REVOKE_PAGE_SIZE: String(tuning.pageSize),
      // pages in flight per run, whichever lanes they are in
      REVOKE_PAGE_PARALLELISM: String(tuning.pageParallelism),
      REVOKE_MAX_PAGES_IN_FLIGHT: String(tuning.pageParallelism),
      REVOKE_SNAPSHOT_PAGE_SIZE: String(tuning.snapshotPageSize),
      REVOKE_SNAPSHOT_STEP_MS: String(tuning.snapshotStepMs),
    }, profiled),
    (service) => service.stop(),
  );
  life.watch(apollo.child.pid);
  await apollo.waitForLine(/"message":"listening"/, 120_000);
  return { apollo, runApi, workers, apolloUrl: `http://127.0.0.1:${apolloPort}` };
}
