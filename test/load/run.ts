/**
 * `pnpm load [--seconds 60] [--concurrency 200] [--projects 4] [--connections 20000]`: drives
 * apollo the way a busy tenant integration would and prints throughput, statuses and p50/p99
 * latency per endpoint. Starts everything itself (embedded Postgres, an in-memory Temporal dev
 * server, the RFC 7009 provider server, thermos and apollo as child processes), seeds the
 * connections, starts one large revoke job per project, then keeps `concurrency` requests in
 * flight: creates (connection scope, dry runs, a large scope joining its run), status polls,
 * result pages and listings. Two measured phases: while the large jobs revoke (sharing the
 * machine with the API), and again once they are done; after each, every job created must
 * finish. The bar: zero 5xx and every job completed (exit code 1 otherwise).
 * Not part of CI; figures go in docs/reliability.md.
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { LoadClient } from './client';
import { startInfra, Stops } from './infra';
import { parseOptions, UsageError, type LoadOptions } from './options';
import { seedLoad } from './seed';
import { Recorder, round, table, type EndpointFigures } from './stats';
import { runWorkload, startLargeJobs } from './workload';

const say = (line = '') => process.stdout.write(`${line}\n`);

type Drain = { jobs: number; completed: number; failed: number; stillRunning: number; seconds: number; failedConnections: number };

/** Polls every job created until none is running (or the time is up). */
async function drain(client: LoadClient, jobs: Array<{ id: string; headers: Record<string, string> }>, timeoutMs: number): Promise<Drain> {
  const started = Date.now();
  const final = new Map<string, Record<string, unknown>>();
  while (Date.now() - started < timeoutMs) {
    for (const job of jobs) {
      if (final.has(job.id)) continue;
      const res = await client.request('GET', `/api/v1/revoke_jobs/${job.id}`, job.headers);
      if (res.status === 200 && res.body['status'] !== 'running') final.set(job.id, res.body);
    }
    if (final.size === jobs.length) break;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  const bodies = [...final.values()];
  return {
    jobs: jobs.length,
    completed: bodies.filter((b) => b['status'] === 'completed').length,
    failed: bodies.filter((b) => b['status'] === 'failed').length,
    stillRunning: jobs.length - final.size,
    seconds: round((Date.now() - started) / 1000),
    failedConnections: bodies.reduce((sum, b) => sum + Number((b['counts'] as Record<string, number> | undefined)?.['failed'] ?? 0), 0),
  };
}

async function load(options: LoadOptions, stops: Stops): Promise<boolean> {
  say(`load: ${options.seconds} s, ${options.concurrency} in flight, ${options.projects} projects, ${options.connections.toLocaleString('en-US')} connections, RATE_LIMIT_PER_MINUTE ${options.rateLimitPerMinute}, thermos ${options.thermos}`);
  say(`machine: ${os.availableParallelism()} cores, ${round(os.totalmem() / 1024 ** 3)} GiB, node ${process.version}, load average ${os.loadavg().map((l) => round(l, 2)).join(' ')}`);
  const infra = await startInfra(stops, say, options.rateLimitPerMinute, options.thermos);
  const client = stops.own('http client', new LoadClient(infra.apolloUrl, options.concurrency), async (c) => c.close());
  say('seeding');
  const seedStarted = Date.now();
  const projects = await seedLoad(infra, client, options.projects, options.connections, say);
  say(`seeded in ${round((Date.now() - seedStarted) / 1000)} s; running the workload`);

  const states = await startLargeJobs(client, projects);
  const allJobs = () => states.flatMap((state) => state.jobs.map((id) => ({ id, headers: state.project.headers })));
  const phases: Array<{ name: string; seconds: number; endpoints: EndpointFigures[]; drain: Drain }> = [];
  // busy: the large jobs revoke at full speed on the same machine; then quiet: they are done
  for (const name of ['while the large jobs run', 'after the large jobs finished']) {
    say(`\nphase: ${name}`);
    const recorder = new Recorder();
    const seconds = await runWorkload(client, states, options.concurrency, options.seconds, recorder, say);
    const endpoints = recorder.figures(seconds);
    say();
    say(table(endpoints, seconds));
    const jobs = allJobs();
    say(`waiting for the ${jobs.length} jobs created so far to finish`);
    const drained = await drain(client, jobs, 300_000);
    say(`jobs: ${drained.completed} completed, ${drained.failed} failed, ${drained.stillRunning} still running after ${drained.seconds} s; ${drained.failedConnections} connections failed`);
    phases.push({ name, seconds: round(seconds), endpoints, drain: drained });
  }
  const stats = await infra.provider.control.stats();
  say(`provider: ${stats.revokeRequests} revoke requests, ${stats.revoked} tokens revoked, ${stats.tokensRevokedMoreThanOnce} tokens revoked more than once`);

  const serverErrors = phases.flatMap((p) => p.endpoints).reduce((sum, f) => sum + Object.entries(f.statuses).filter(([s]) => Number(s) >= 500 || Number(s) === 0).reduce((n, [, c]) => n + c, 0), 0);
  say(serverErrors === 0 ? 'zero 5xx and zero network errors' : `${serverErrors} responses were 5xx or network errors`);
  if (options.json) {
    writeFileSync(options.json, JSON.stringify({ options, machine: { cores: os.availableParallelism(), node: process.version, loadAverage: os.loadavg() }, phases, provider: stats }, null, 2));
    say(`figures written to ${options.json}`);
  }
  return serverErrors === 0 && phases.every((p) => p.drain.stillRunning === 0 && p.drain.failed === 0);
}

async function main(): Promise<void> {
  let options: LoadOptions;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const stops = new Stops(say);
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) process.exit(130);
    say(`\n${signal}: stopping everything the load run started…`);
    void stops.stopAll().then(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let ok = false;
  try {
    ok = await load(options, stops);
  } catch (error) {
    say(`load run failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  } finally {
    await stops.stopAll();
  }
  process.exit(ok ? 0 : 1);
}

void main();
