import { type Client } from '@temporalio/client';
import { spawnService, type SpawnedProviderServer } from '@at/devstack';
import { type PrismaClient } from '@at/db';
import { type Api } from './api';
import { dbCounters, dbDelta, type DbCounters } from './db-stats';
import { type Infra, type Services } from './infra';
import { jobFigures, runJob, type JobFigures } from './job';
import { type Lifecycle } from './lifecycle';
import { summarize, type LatencyFigures } from './latency';
import { CpuMeter, loadAverage, peakRssMb, round } from './process-stats';
import { type SeededProject } from './seed';

/** What every phase shares. */
export type BenchContext = {
  life: Lifecycle;
  infra: Infra;
  services: Services;
  api: Api;
  db: PrismaClient;
  temporal: Client;
  log: (line: string) => void;
  progress: (line: string) => void;
};

const cpuRoots = (ctx: BenchContext, provider: SpawnedProviderServer, extra: Record<string, number | undefined> = {}) => ({
  ...Object.fromEntries(ctx.services.workers.map((worker) => [worker.name, worker.child.pid])),
  'thermos-api': ctx.services.runApi.child.pid,
  apollo: ctx.services.apollo.child.pid,
  postgres: ctx.infra.postgresPid,
  temporal: ctx.infra.temporalPid,
  provider: provider.pid,
  ...extra,
});

export type PlainFigures = {
  httpClient: 'agent' | 'fetch';
  connections: number;
  requests: number;
  failures: number;
  seconds: number;
  connectionsPerSecond: number;
  requestsPerSecond: number;
  load: string;
  cpu: ReturnType<CpuMeter['stop']>;
};

/** The plain script (bench/plain-script.ts) as its own process, over the `plain` project. */
export async function plainPhase(ctx: BenchContext, provider: SpawnedProviderServer, project: SeededProject, concurrency: number, httpClient: 'agent' | 'fetch'): Promise<PlainFigures> {
  const load = loadAverage();
  await provider.control.resetStats();
  const script = ctx.life.own(
    'plain script',
    spawnService('plain-script', 'bench/plain-script.ts', { DATABASE_URL: ctx.infra.databaseUrl, VAULT_KEYS: ctx.infra.secrets.VAULT_KEYS, PROJECT_ID: project.projectId, CONCURRENCY: String(concurrency), HTTP_CLIENT: httpClient }),
    (s) => s.stop(),
  );
  ctx.life.watch(script.child.pid);
  const cpu = new CpuMeter(cpuRoots(ctx, provider, { script: script.child.pid }));
  const line = await script.waitForLine(/^\{"connections"/, 6 * 3600_000);
  const usage = cpu.stop();
  await script.exited;
  const result = JSON.parse(line) as { connections: number; requests: number; failures: number; ms: number };
  const seconds = result.ms / 1000;
  return {
    httpClient,
    connections: result.connections,
    requests: result.requests,
    failures: result.failures,
    seconds: round(seconds, 1),
    connectionsPerSecond: round(result.connections / seconds),
    requestsPerSecond: round(result.requests / seconds),
    load,
    cpu: usage,
  };
}

export type ProviderFigures = { requests: number; revoked: number; maxPerSecond: number; maxPerSlidingSecond: number; ceilingViolations: number; byStatus: Record<string, number> };

export type RunFigures = JobFigures & {
  load: string;
  /** POST → run finished. */
  e2eSeconds: number;
  /** The snapshot's first step started → its last step completed (Temporal history); pages run meanwhile. */
  snapshotSeconds: number;
  /** POST → first item recorded: what a caller waits for the first revocation. */
  firstResultSeconds: number;
  /** First item finished → last item finished (the snapshot runs beside the first part of it). */
  revokeSeconds: number;
  e2eConnectionsPerSecond: number;
  revokeConnectionsPerSecond: number;
  /** Provider requests answered 200, per second of the revocation phase. */
  providerRequestsPerSecond: number;
  historyEventsPer1000: number;
  provider: ProviderFigures;
  cpu: ReturnType<CpuMeter['stop']>;
  /** Postgres counters over the job (commits, WAL, updates and how many were HOT). */
  postgres: DbCounters;
};

/** A project-scope job end to end through the public API, with its timings and the provider's view. */
export async function jobPhase(ctx: BenchContext, provider: SpawnedProviderServer, project: SeededProject, name: string): Promise<RunFigures> {
  const load = loadAverage();
  await provider.control.resetStats();
  const dbBefore = await dbCounters(ctx.db);
  const cpu = new CpuMeter(cpuRoots(ctx, provider));
  const started = Date.now();
  const job = await runJob(ctx.api, project.apiKey, ctx.life.interrupted.signal, (counts) => {
    const done = (counts['total'] ?? 0) - (counts['pending'] ?? 0);
    ctx.progress(`${name}: ${done.toLocaleString('en-US')}/${(counts['total'] ?? 0).toLocaleString('en-US')} after ${Math.round((Date.now() - started) / 1000)} s`);
  });
  const usage = cpu.stop();
  ctx.progress('');
  const postgres = dbDelta(dbBefore, await dbCounters(ctx.db));
  const figures = await jobFigures(ctx.db, ctx.temporal, job);
  const stats = await provider.control.stats();
  const total = figures.counts['total'] ?? 0;
  const e2eSeconds = (figures.finishedAt - figures.createdAt) / 1000;
  const revokeSeconds = (figures.lastItemFinishedAt - figures.firstItemFinishedAt) / 1000;
  return {
    ...figures,
    load,
    e2eSeconds: round(e2eSeconds, 2),
    snapshotSeconds: round((figures.history.snapshotCompletedAt - figures.history.snapshotStartedAt) / 1000, 2),
    firstResultSeconds: round((figures.firstItemFinishedAt - figures.createdAt) / 1000, 2),
    revokeSeconds: round(revokeSeconds, 2),
    e2eConnectionsPerSecond: round(total / e2eSeconds),
    revokeConnectionsPerSecond: round(total / revokeSeconds),
    providerRequestsPerSecond: round((stats.byStatus['200'] ?? 0) / revokeSeconds, 1),
    historyEventsPer1000: total > 0 ? round((figures.history.events / total) * 1000, 1) : 0,
    provider: {
      requests: stats.revokeRequests,
      revoked: stats.revoked,
      maxPerSecond: stats.maxPerSecond,
      maxPerSlidingSecond: stats.maxPerSlidingSecond,
      ceilingViolations: stats.ceilingViolations,
      byStatus: stats.byStatus,
    },
    cpu: usage,
    postgres,
  };
}

const WARM_UP = 50;

type RouteLatencies = { status: LatencyFigures; resultsPage: LatencyFigures; resultsPageByOutcome: LatencyFigures };

export type ServingFigures = RouteLatencies & {
  /** The same requests right after the job ended, while Postgres and the workers still digest it. */
  afterRun: RouteLatencies;
  /** How long the system took to go quiet after that (autovacuum done, event outbox drained), and whether it did within QUIET_WAIT_MS. */
  quietAfterSeconds: number;
  quiet: boolean;
  itemsTableMb: number;
  thermosPeakRssMb: number;
  apolloPeakRssMb: number;
};

const QUIET_WAIT_MS = 600_000;

/** Waits until no autovacuum worker runs and the event outbox is empty (the relay has caught up), for at most QUIET_WAIT_MS. */
async function waitForQuiet(ctx: BenchContext): Promise<{ seconds: number; quiet: boolean }> {
  const started = Date.now();
  for (;;) {
    const [row] = await ctx.db.$queryRaw<Array<{ vacuums: number; queued: boolean }>>`
      SELECT (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker')::int AS vacuums, EXISTS (SELECT 1 FROM event_outbox) AS queued`;
    const seconds = round((Date.now() - started) / 1000, 1);
    if (row && row.vacuums === 0 && !row.queued) return { seconds, quiet: true };
    if (Date.now() - started > QUIET_WAIT_MS) return { seconds, quiet: false };
    ctx.progress(`waiting for the system to go quiet: ${row?.vacuums ?? '?'} autovacuum workers, outbox ${row?.queued ? 'not empty' : 'empty'}, ${seconds} s`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

/**
 * Once every item exists: sequential GET /revoke_jobs/{id}, and 100-item results pages following
 * next_cursor through the run (wrapping around), unfiltered and filtered by outcome; first right
 * after the job ended, then again once the system is quiet (the figures the targets read).
 */
export async function servingPhase(ctx: BenchContext, project: SeededProject, jobId: string, requests: number): Promise<ServingFigures> {
  const afterRun = await routeLatencies(ctx, project, jobId, requests);
  const settled = await waitForQuiet(ctx);
  ctx.progress('');
  const quiet = await routeLatencies(ctx, project, jobId, requests);
  const [size] = await ctx.db.$queryRaw<Array<{ bytes: bigint }>>`SELECT pg_total_relation_size('revoke_items') AS bytes`;
  return {
    ...quiet,
    afterRun,
    quietAfterSeconds: settled.seconds,
    quiet: settled.quiet,
    itemsTableMb: round(Number(size?.bytes ?? 0) / 1024 / 1024, 1),
    thermosPeakRssMb: round(Math.max(...ctx.services.workers.map((worker) => peakRssMb(worker.child.pid as number)))),
    apolloPeakRssMb: round(peakRssMb(ctx.services.apollo.child.pid as number)),
  };
}

async function routeLatencies(ctx: BenchContext, project: SeededProject, jobId: string, requests: number): Promise<RouteLatencies> {
  const headers = { 'x-api-key': project.apiKey };
  const timed = async (route: string) => {
    const res = await ctx.api.request<{ next_cursor?: string | null }>('GET', route, headers);
    if (res.status !== 200) throw new Error(`GET ${route} answered ${res.status}`);
    return res;
  };
  // a first round unmeasured: steady state, not the first JIT compilations
  const status: number[] = [];
  for (let i = 0; i < WARM_UP + requests; i += 1) {
    const { ms } = await timed(`/api/v1/revoke_jobs/${jobId}`);
    if (i >= WARM_UP) status.push(ms);
  }
  const pages = async (query: string) => {
    const samples: number[] = [];
    let cursor: string | null = null;
    for (let i = -WARM_UP; i < requests; i += 1) {
      const res = await timed(`/api/v1/revoke_jobs/${jobId}/results?limit=100${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      if (i >= 0) samples.push(res.ms);
      cursor = res.body.next_cursor ?? null;
    }
    return summarize(samples);
  };
  const resultsPage = await pages('');
  const resultsPageByOutcome = await pages('&outcome=revoked');
  return { status: summarize(status), resultsPage, resultsPageByOutcome };
}

export type VendFigures = { connections: number; warm: LatencyFigures; concurrent: { clients: number; requestsPerSecond: number; p50Ms: number; p99Ms: number } };

/**
 * Warm vends through the public API: GET /connected_accounts/{id}/token of connections whose
 * tokens are far from expiry (one indexed read and one AES-GCM open each), sequentially for
 * latency, then from `clients` concurrent callers for throughput.
 */
export async function vendPhase(ctx: BenchContext, project: SeededProject, requests: number, clients = 8): Promise<VendFigures> {
  const headers = { 'x-api-key': project.apiKey };
  const ids = (await ctx.db.connectedAccount.findMany({ where: { projectId: project.projectId }, select: { id: true }, take: 10_000 })).map((r) => r.id);
  if (ids.length === 0) throw new Error('the vend project has no connections');
  const vend = async (i: number) => {
    const res = await ctx.api.request<{ access_token?: string; refreshed?: boolean }>('GET', `/api/v1/connected_accounts/${ids[i % ids.length]}/token`, headers);
    if (res.status !== 200 || !res.body.access_token || res.body.refreshed) throw new Error(`warm vend answered ${res.status} ${JSON.stringify(res.body).slice(0, 100)}`);
    return res.ms;
  };
  const samples: number[] = [];
  for (let i = 0; i < WARM_UP + requests; i += 1) {
    const ms = await vend(i);
    if (i >= WARM_UP) samples.push(ms);
  }
  const concurrentSamples: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < requests * 4) concurrentSamples.push(await vend(next++));
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const concurrent = summarize(concurrentSamples);
  return { connections: ids.length, warm: summarize(samples), concurrent: { clients, requestsPerSecond: round(concurrentSamples.length / seconds), p50Ms: concurrent.p50Ms, p99Ms: concurrent.p99Ms } };
}

export type RefreshAheadFigures = {
  connections: number;
  ceiling: number;
  refreshed: number;
  seconds: number;
  /** refreshes answered per second, first to last */
  refreshesPerSecond: number;
  shareOfCeiling: number;
  provider: { requests: number; refreshed: number; reuse: number; maxPerSlidingSecond: number; ceilingViolations: number };
  needsReauth: number;
  cpu: ReturnType<CpuMeter['stop']>;
};

/**
 * `connections` credentials that all expire in 10 minutes, under a provider whose token endpoint
 * refuses anything over `ceiling` per second: refresh ahead (thermos's Schedule) renews them all,
 * with no vend. Reports the rate the provider saw, as a share of its ceiling, and whether it was
 * ever exceeded (thermos holds PROVIDER_RATE_LIMITS at the same ceiling).
 */
export async function refreshAheadPhase(ctx: BenchContext, provider: SpawnedProviderServer, project: SeededProject, connections: number, ceiling: number): Promise<RefreshAheadFigures> {
  const cpu = new CpuMeter(cpuRoots(ctx, provider));
  const deadline = Date.now() + Math.max(600_000, (connections / ceiling) * 3_000);
  let firstAt: number | undefined;
  let stats = await provider.control.stats();
  for (;;) {
    ctx.life.throwIfInterrupted();
    stats = await provider.control.stats();
    if (firstAt === undefined && stats.refreshRequests > 0) firstAt = Date.now();
    ctx.progress(`refresh ahead: ${stats.refreshed.toLocaleString('en-US')}/${connections.toLocaleString('en-US')} refreshed`);
    if (stats.refreshed >= connections) break;
    if (Date.now() > deadline) throw new Error(`refresh ahead renewed ${stats.refreshed} of ${connections} before the deadline`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  const lastAt = Date.now();
  const usage = cpu.stop();
  ctx.progress('');
  const [row] = await ctx.db.$queryRaw<Array<{ refreshed: bigint; needs_reauth: bigint }>>`
    SELECT count(*) FILTER (WHERE last_refreshed_at IS NOT NULL) AS refreshed, count(*) FILTER (WHERE status = 'needs_reauth') AS needs_reauth
    FROM connected_accounts WHERE project_id = ${project.projectId}`;
  const seconds = (lastAt - (firstAt ?? lastAt)) / 1000;
  const rate = seconds > 0 ? stats.refreshed / seconds : Number.NaN;
  return {
    connections,
    ceiling,
    refreshed: Number(row?.refreshed ?? 0),
    seconds: round(seconds, 1),
    refreshesPerSecond: round(rate, 1),
    shareOfCeiling: round(rate / ceiling, 3),
    provider: { requests: stats.refreshRequests, refreshed: stats.refreshed, reuse: stats.refreshReuse, maxPerSlidingSecond: stats.refreshMaxPerSlidingSecond, ceilingViolations: stats.refreshCeilingViolations },
    needsReauth: Number(row?.needs_reauth ?? 0),
    cpu: usage,
  };
}
