/**
 * `pnpm bench [--connections N]`: the revocation throughput of this system against what bounds
 * it, on one machine. Starts an embedded Postgres, an in-memory Temporal dev server, the local
 * RFC 7009 provider server, thermos and apollo (all as child processes), seeds N live
 * connections, then measures:
 *   1. the provider endpoint's raw capacity (autocannon at the worker's concurrency);
 *   2. a plain p-limit script over N other connections (no Temporal, no durability);
 *   3. a project-scope revoke job of N connections through the public API, end to end;
 *   4. a job against a realistic provider (latency and a rate ceiling);
 *   5. warm vends (GET .../token) through the public API: latency and throughput;
 *   6. refresh ahead of many credentials expiring at once, under a provider's rate ceiling.
 * Prints a table and writes bench/results/<timestamp>.json. See docs/performance.md.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { Client, Connection } from '@temporalio/client';
import { createDb } from '@at/db';
import { Api } from './api';
import { dbCounters, dbDelta } from './db-stats';
import { PROVIDER_CLIENTS, startInfra, startProvider, startServices } from './infra';
import { Lifecycle } from './lifecycle';
import { measureLimit } from './limit';
import { parseOptions, UsageError, workerConcurrency, type BenchOptions } from './options';
import { jobPhase, plainPhase, refreshAheadPhase, servingPhase, vendPhase, type BenchContext } from './phases';
import { CpuMeter, loadAverage, round } from './process-stats';
import { REQUESTS_PER_CONNECTION, table, writeResults, type BenchResults } from './report';
import { bulkSeedConnections, importConnections, seedOrg, seedProject, type SeededProject } from './seed';

const say = (line = '') => process.stdout.write(`${line}\n`);
let lastProgress = '';
let lastLogged = 0;
const progress = (line: string) => {
  if (!process.stdout.isTTY) {
    // a log file gets a line every 10 s, not one per poll
    if (line && Date.now() - lastLogged >= 10_000) {
      lastLogged = Date.now();
      say(line);
    }
    return;
  }
  process.stdout.write(`\r${line.padEnd(lastProgress.length)}${line ? '' : '\r'}`);
  lastProgress = line;
};

function machine(): BenchResults['machine'] {
  const cpuModel = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  return { nproc: os.availableParallelism(), cpuModel, memoryGb: round(os.totalmem() / 1024 ** 3, 1), node: process.version };
}

async function bench(options: BenchOptions, life: Lifecycle): Promise<BenchResults> {
  const concurrency = workerConcurrency(options.tuning);
  const results: BenchResults = {
    startedAt: new Date().toISOString(),
    machine: machine(),
    options: { ...options, skip: [...options.skip], workerConcurrency: concurrency },
    load: { start: loadAverage() },
  };
  const run = (phase: 'limit' | 'plain' | 'system' | 'realistic' | 'vend' | 'refresh') => !options.skip.has(phase);
  say(`bench: ${options.connections.toLocaleString('en-US')} connections, worker concurrency ${concurrency}, load average ${results.load['start']}`);

  const infra = await startInfra(life, say, options.statements);
  say('starting the provider servers and thermos + apollo');
  const provider = await startProvider(life, 'provider');
  const realisticProvider = await startProvider(life, 'realistic provider', { latencyMs: options.realisticLatencyMs, ceilingPerSecond: options.realisticCeiling });
  // refresh ahead's provider refuses anything over its ceiling (at /token as at /revoke)
  const refreshProvider = await startProvider(life, 'refresh provider', { ceilingPerSecond: options.refreshCeiling });
  // no ceiling for the fast provider (its capacity is what is measured); the realistic and
  // refresh ones' ceilings are held by the shared rate limiter, keyed by the endpoint's origin
  const rateLimits = {
    oauth2: 0,
    [`oauth2:${new URL(realisticProvider.url).origin}`]: options.realisticCeiling,
    [`oauth2:${new URL(refreshProvider.url).origin}`]: options.refreshCeiling,
  };
  const services = await startServices(life, infra, options.tuning, rateLimits, options.cpuProfileDir);
  const db = life.own('database client', createDb({ url: infra.databaseUrl, poolSize: 2, applicationName: 'bench' }), (client) => client.$disconnect());
  const connection = life.own('temporal connection', await Connection.connect({ address: infra.temporalAddress }), (c) => c.close());
  const ctx: BenchContext = { life, infra, services, api: new Api(services.apolloUrl), db, temporal: new Client({ connection }), log: say, progress };

  const org = await seedOrg(ctx.api, infra.secrets.ADMIN_TOKEN);
  const seedStarted = Date.now();
  let seeded = 0;
  // time spent importing (the provider's minting of the tokens taken out)
  let importMs = 0;
  // CPU seconds of apollo and Postgres while importing (Postgres: every backend)
  const importCpu: Record<string, number> = {};
  // Postgres's work while importing (WAL; with --statements the costliest statements)
  const dbBeforeSeeding = options.seed === 'import' ? await dbCounters(db) : undefined;
  const seed = async (name: string, server: typeof provider, client: { clientId: string; clientSecret: string }, n: number, expiresAt: Date | null = null): Promise<SeededProject> => {
    const project = await seedProject(ctx.api, org, name, server, client);
    const onProgress = (done: number) => {
      life.throwIfInterrupted();
      progress(`seeding ${name}: ${done.toLocaleString('en-US')}/${n.toLocaleString('en-US')}`);
    };
    const started = performance.now();
    if (options.seed === 'import') {
      const meter = new CpuMeter({ apollo: services.apollo.child.pid, postgres: infra.postgresPid });
      const { mintMs } = await importConnections(services.apolloUrl, server, client.clientId, project, n, onProgress, expiresAt);
      importMs += performance.now() - started - mintMs;
      for (const [name, seconds] of Object.entries(meter.stop().cpuSeconds)) importCpu[name] = (importCpu[name] ?? 0) + seconds;
    } else {
      await bulkSeedConnections(infra.databaseUrl, infra.secrets.VAULT_KEYS, server, client.clientId, { orgId: org.orgId, ...project }, n, onProgress, expiresAt);
    }
    progress('');
    seeded += n;
    return project;
  };
  const systemProject = run('system') ? await seed('system', provider, PROVIDER_CLIENTS.system, options.connections) : undefined;
  const plainProject = run('plain') ? await seed('plain', provider, PROVIDER_CLIENTS.plain, options.plainConnections) : undefined;
  const realisticProject = run('realistic') ? await seed('realistic', realisticProvider, PROVIDER_CLIENTS.realistic, options.realisticConnections) : undefined;
  // warm: far from expiry, so every vend is served as stored
  const vendProject = run('vend') ? await seed('vend', provider, PROVIDER_CLIENTS.vend, options.vendConnections, new Date('2035-01-01T00:00:00Z')) : undefined;
  const importDb = dbBeforeSeeding && dbDelta(dbBeforeSeeding, await dbCounters(db));
  // a database in steady state has statistics and no pending checkpoint of a bulk load
  await db.$executeRawUnsafe('VACUUM ANALYZE connected_accounts, credentials');
  await db.$executeRawUnsafe('CHECKPOINT');
  const accountsPerSecond = options.seed === 'import' && importMs > 0 ? round(seeded / (importMs / 1000)) : Number.NaN;
  const cpuMsPerAccount = Object.fromEntries(Object.entries(importCpu).map(([name, seconds]) => [name, round((seconds * 1000) / seeded, 3)]));
  results.seed = { connections: seeded, seconds: round((Date.now() - seedStarted) / 1000, 1), method: options.seed, accountsPerSecond, cpuMsPerAccount, ...(importDb ? { postgres: importDb } : {}) };
  say(`seeded ${seeded.toLocaleString('en-US')} connections in ${results.seed.seconds} s${options.seed === 'import' ? ` through the bulk import: ${accountsPerSecond.toLocaleString('en-US')} imported accounts/s (load ${loadAverage()})` : ' by SQL'}`);

  if (run('limit')) {
    results.load['limit'] = loadAverage();
    say(`(1) limit: autocannon, ${concurrency} connections, ${options.limitSeconds} s (load ${results.load['limit']})`);
    const limit = await measureLimit(provider, PROVIDER_CLIENTS.system, concurrency, options.limitSeconds);
    results.limit = { ...limit, connectionsPerSecond: round(limit.requestsPerSecond / REQUESTS_PER_CONNECTION) };
    say(`    ${limit.requestsPerSecond} req/s`);
  }
  life.throwIfInterrupted();
  if (plainProject) {
    results.load['plain'] = loadAverage();
    say(`(2) plain script: ${options.plainConnections.toLocaleString('en-US')} connections, p-limit ${concurrency}, ${options.plainHttp} (load ${results.load['plain']})`);
    results.plain = await plainPhase(ctx, provider, plainProject, concurrency, options.plainHttp);
    say(`    ${results.plain.connectionsPerSecond} conn/s`);
  }
  life.throwIfInterrupted();
  if (systemProject) {
    results.load['system'] = loadAverage();
    say(`(3) system: project revoke job of ${options.connections.toLocaleString('en-US')} connections (load ${results.load['system']})`);
    const figures = await jobPhase(ctx, provider, systemProject, 'system');
    say(`    ${figures.status}: ${figures.e2eConnectionsPerSecond} conn/s end to end; measuring the API once every item exists`);
    const serving = await servingPhase(ctx, systemProject, figures.jobId, options.latencyRequests);
    results.system = {
      ...figures,
      serving,
      vsPlain: results.plain ? round(figures.e2eConnectionsPerSecond / results.plain.connectionsPerSecond, 3) : null,
      vsLimit: results.limit ? round(figures.e2eConnectionsPerSecond / results.limit.connectionsPerSecond, 3) : null,
    };
  }
  life.throwIfInterrupted();
  if (realisticProject) {
    results.load['realistic'] = loadAverage();
    say(`(4) realistic provider: ${options.realisticConnections.toLocaleString('en-US')} connections, ${options.realisticLatencyMs} ms, ceiling ${options.realisticCeiling}/s (load ${results.load['realistic']})`);
    const figures = await jobPhase(ctx, realisticProvider, realisticProject, 'realistic');
    results.realistic = { ...figures, ceiling: options.realisticCeiling, latencyMs: options.realisticLatencyMs, shareOfCeiling: round(figures.providerRequestsPerSecond / options.realisticCeiling, 3) };
  }
  life.throwIfInterrupted();
  if (vendProject) {
    results.load['vend'] = loadAverage();
    say(`(5) vend: warm GET .../token over ${options.vendConnections.toLocaleString('en-US')} connections, ${options.latencyRequests} sequential requests (load ${results.load['vend']})`);
    results.vend = await vendPhase(ctx, vendProject, options.latencyRequests);
    say(`    p50 ${results.vend.warm.p50Ms} ms, p99 ${results.vend.warm.p99Ms} ms`);
  }
  life.throwIfInterrupted();
  if (run('refresh')) {
    // seeded last, so they are all due at once when refresh ahead next runs
    say(`(6) refresh ahead: ${options.refreshConnections.toLocaleString('en-US')} credentials expiring in 10 minutes, provider ceiling ${options.refreshCeiling}/s`);
    const refreshProject = await seed('refresh', refreshProvider, PROVIDER_CLIENTS.refresh, options.refreshConnections, new Date(Date.now() + 600_000));
    await db.$executeRawUnsafe('ANALYZE connected_accounts, credentials');
    await refreshProvider.control.resetStats();
    results.load['refresh'] = loadAverage();
    results.refresh = await refreshAheadPhase(ctx, refreshProvider, refreshProject, options.refreshConnections, options.refreshCeiling);
    say(`    ${results.refresh.refreshesPerSecond}/s = ${Math.round(results.refresh.shareOfCeiling * 100)}% of the ceiling, ${results.refresh.provider.ceilingViolations} over it`);
  }
  results.load['end'] = loadAverage();
  results.finishedAt = new Date().toISOString();
  return results;
}

async function main(): Promise<void> {
  let options: BenchOptions;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError && error.help) {
      say(error.message);
      process.exit(0);
    }
    if (error instanceof UsageError || (error instanceof Error && 'code' in error)) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const life = new Lifecycle(say);
  life.installSignalHandlers();
  let code = 0;
  try {
    const results = await bench(options, life);
    say();
    say(table(results));
    say();
    say(`results: ${writeResults(results)}`);
  } catch (error) {
    if (!life.interrupted.signal.aborted) {
      process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      code = 1;
    }
  } finally {
    say('stopping…');
    await life.stopAll();
  }
  process.exit(life.interrupted.signal.aborted ? 130 : code);
}

void main();
