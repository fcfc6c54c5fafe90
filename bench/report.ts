import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type DbCounters } from './db-stats';
import { type LimitResult } from './limit';
import { type BenchOptions } from './options';
import { type PlainFigures, type RefreshAheadFigures, type RunFigures, type ServingFigures, type VendFigures } from './phases';
import { round } from './process-stats';

export type BenchResults = {
  startedAt: string;
  finishedAt?: string;
  machine: { nproc: number; cpuModel: string; memoryGb: number; node: string };
  options: Omit<BenchOptions, 'skip'> & { skip: string[]; workerConcurrency: number };
  load: Record<string, string>;
  /** `accountsPerSecond`: the import's rate (method import), sealing included; the SQL seeding is not a figure. */
  seed?: { connections: number; seconds: number; method: 'import' | 'sql'; accountsPerSecond: number; cpuMsPerAccount: Record<string, number>; postgres?: DbCounters };
  limit?: LimitResult & { connectionsPerSecond: number };
  plain?: PlainFigures;
  system?: RunFigures & { serving: ServingFigures; vsPlain: number | null; vsLimit: number | null };
  realistic?: RunFigures & { ceiling: number; latencyMs: number; shareOfCeiling: number };
  vend?: VendFigures;
  refresh?: RefreshAheadFigures;
};

/** Provider requests per connection: RFC 7009 revokes the refresh token, then the access token. */
export const REQUESTS_PER_CONNECTION = 2;

/** CPU milliseconds per connection, summed over every process of the phase (all of this machine's work for it). */
export function cpuMsPerConnection(cpu: { cpuSeconds: Record<string, number> }, connections: number): number {
  const total = Object.values(cpu.cpuSeconds).reduce((sum, seconds) => sum + seconds, 0);
  return connections > 0 ? round((total * 1000) / connections, 3) : Number.NaN;
}

const num = (value: number | undefined | null, digits = 0) => (value === undefined || value === null || Number.isNaN(value) ? 'n/a' : round(value, digits).toLocaleString('en-US'));
const pct = (value: number | null | undefined) => (value === null || value === undefined || Number.isNaN(value) ? 'n/a' : `${Math.round(value * 100)}%`);

/** The table printed at the end: figure, value, and the target it is read against. */
export function table(r: BenchResults): string {
  const rows: Array<[string, string, string]> = [];
  const add = (name: string, value: string, target = '') => rows.push([name, value, target]);
  const o = r.options;
  add('connections', num(o.connections));
  add('worker concurrency', `${num(o.workerConcurrency)} (${Math.min(o.tuning.pageParallelism, o.tuning.maxActivities * o.tuning.workers)} pages × ${o.tuning.revokeConcurrency}, ${o.tuning.workers} thermos process${o.tuning.workers === 1 ? '' : 'es'})`);
  add('tuning', `page ${o.tuning.pageSize}, parallelism ${o.tuning.pageParallelism}, snapshot page ${o.tuning.snapshotPageSize}, snapshot step ${o.tuning.snapshotStepMs} ms, activities ${o.tuning.maxActivities}, pool ${o.tuning.poolSize}`);
  if (r.seed) {
    add('seeded', `${num(r.seed.connections)} in ${num(r.seed.seconds, 1)} s (${r.seed.method === 'import' ? 'POST /api/v1/connected_accounts/import' : 'SQL'})`);
    if (r.seed.method === 'import') {
      add('bulk import', `${num(r.seed.accountsPerSecond)} accounts/s (sealing included; minting the provider's tokens excluded)`, '≥ 10,000/s');
      const cpu = Object.entries(r.seed.cpuMsPerAccount).map(([name, ms]) => `${name} ${num(ms, 3)}`).join(', ');
      add('bulk import: CPU per account', `${cpu} ms`);
      if (r.seed.postgres) addPostgres(add, r.seed.postgres, r.seed.connections, 'account');
    }
  }
  if (r.limit) add('(1) limit: provider raw capacity', `${num(r.limit.requestsPerSecond)} req/s = ${num(r.limit.connectionsPerSecond)} conn/s (p99 ${num(r.limit.latencyP99Ms)} ms)`);
  if (r.plain) {
    add(`(2) plain script (p-limit, ${r.plain.httpClient})`, `${num(r.plain.connectionsPerSecond)} conn/s (${num(r.plain.connections)} in ${num(r.plain.seconds, 1)} s)`);
    add('(2) CPU per connection', `${num(cpuMsPerConnection(r.plain.cpu, r.plain.connections), 3)} ms (script, provider, Postgres)`);
  }
  const s = r.system;
  if (s) {
    add('(3) system: status', `${s.status}, ${num(s.counts['revoked'])} revoked, ${num(s.counts['failed'])} failed`);
    add('(3) system: end to end', `${num(s.e2eConnectionsPerSecond)} conn/s (${num(s.e2eSeconds, 1)} s, create → completed)`);
    add('(3) system: revocation phase', `${num(s.revokeConnectionsPerSecond)} conn/s (${num(s.revokeSeconds, 1)} s, first item → last item)`);
    const systemCpu = cpuMsPerConnection(s.cpu, s.counts['total'] ?? 0);
    add('(3) CPU per connection', `${num(systemCpu, 3)} ms (thermos, apollo, Postgres, Temporal, provider)${r.plain ? `: ${num(systemCpu / cpuMsPerConnection(r.plain.cpu, r.plain.connections), 1)} × the plain script's` : ''}`);
    add('(3) ÷ (2) plain script', pct(s.vsPlain), '≥ 80%');
    add('(3) ÷ (1) limit', pct(s.vsLimit), '≥ 60%');
    add('snapshot (enumeration)', `${num(s.snapshotSeconds, 2)} s (first snapshot step started → last completed, Temporal history; pages run meanwhile); first result after ${num(s.firstResultSeconds, 2)} s`, '1M: < 15 s; first result < 2 s');
    if (o.tuning.workers > 1) add('pages by worker', Object.entries(s.history.pagesByWorker).map(([worker, pages]) => `${worker}: ${pages}`).join(', '));
    add('history events / 1,000 connections', `${num(s.historyEventsPer1000, 1)} (${num(s.history.events)} events, ${s.history.runs} run${s.history.runs === 1 ? '' : 's'})`, '< 50');
    add('thermos peak RSS', `${num(s.serving.thermosPeakRssMb)} MB`, '1M ≤ 1.5 × 100k');
    add('apollo peak RSS', `${num(s.serving.apolloPeakRssMb)} MB`, '1M ≤ 1.5 × 100k');
    add('revoke_items size', `${num(s.serving.itemsTableMb, 1)} MB`);
    const latency = (l: { p50Ms: number; p99Ms: number }) => `p50 ${num(l.p50Ms, 1)} ms, p99 ${num(l.p99Ms, 1)} ms`;
    add('GET /revoke_jobs/{id} while the job ran (its own polls)', latency(s.statusWhileRunning));
    add('GET /revoke_jobs/{id} right after the job / results page / by outcome', `${latency(s.serving.afterRun.status)} / ${latency(s.serving.afterRun.resultsPage)} / ${latency(s.serving.afterRun.resultsPageByOutcome)}`);
    add('system quiet (autovacuum done, outbox drained)', s.serving.quiet ? `${num(s.serving.quietAfterSeconds, 1)} s after` : `not within ${num(s.serving.quietAfterSeconds, 0)} s: measured anyway`);
    add('GET /revoke_jobs/{id}, quiet', latency(s.serving.status), 'p99 < 15 ms');
    add('results page (100), quiet', latency(s.serving.resultsPage), 'p99 < 15 ms');
    add('results page (100, by outcome), quiet', latency(s.serving.resultsPageByOutcome), 'p99 < 15 ms');
    add('CPU seconds during the run', Object.entries(s.cpu.cpuSeconds).map(([k, v]) => `${k} ${v}`).join(', ') + ` (wall ${s.cpu.wallSeconds})`);
    addPostgres(add, s.postgres, s.counts['total'] ?? 0, 'connection');
  }
  const x = r.realistic;
  if (x) {
    add('(4) realistic: provider', `${x.latencyMs} ms latency, ceiling ${x.ceiling}/s, ${num(x.counts['total'])} connections`);
    add('(4) achieved provider rate', `${num(x.providerRequestsPerSecond, 1)} req/s = ${pct(x.shareOfCeiling)} of the ceiling`, '≥ 95%');
    add('(4) max per second at the provider', `${x.provider.maxPerSecond} (sliding ${x.provider.maxPerSlidingSecond}), ${x.provider.ceilingViolations} over the ceiling`, `≤ ${x.ceiling}`);
  }
  const v = r.vend;
  if (v) {
    add('(5) warm vend GET .../token', `p50 ${num(v.warm.p50Ms, 2)} ms, p99 ${num(v.warm.p99Ms, 2)} ms (${num(v.warm.requests)} sequential)`, 'p99 < 5 ms');
    add(`(5) warm vend, ${v.concurrent.clients} callers`, `${num(v.concurrent.requestsPerSecond)} req/s, p50 ${num(v.concurrent.p50Ms, 2)} ms, p99 ${num(v.concurrent.p99Ms, 2)} ms`);
  }
  const f = r.refresh;
  if (f) {
    add('(6) refresh ahead', `${num(f.refreshed)} of ${num(f.connections)} renewed in ${num(f.seconds, 1)} s, ${num(f.needsReauth)} needs_reauth, ${f.provider.reuse} reuses`);
    add('(6) refresh rate at the provider', `${num(f.refreshesPerSecond, 1)}/s = ${pct(f.shareOfCeiling)} of the ceiling ${f.ceiling}/s`, '≤ 100%');
    add('(6) max per sliding second', `${f.provider.maxPerSlidingSecond}, ${f.provider.ceilingViolations} over the ceiling`, `≤ ${f.ceiling}, 0`);
  }
  add('load average (1/5/15 min)', Object.entries(r.load).map(([k, v]) => `${k}: ${v}`).join('; '));
  const width = [0, 1, 2].map((i) => Math.max(...rows.map((row) => row[i]?.length ?? 0)));
  const line = (row: [string, string, string]) => row.map((cell, i) => cell.padEnd(width[i] ?? 0)).join('  ').trimEnd();
  return [line(['figure', 'value', 'target']), width.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function writeResults(r: BenchResults, dir = path.resolve(__dirname, 'results')): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${r.startedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(r, null, 2)}\n`);
  return file;
}

/** Postgres's work per unit (WAL records, buffer hits), then its costliest statements when measured. */
function addPostgres(add: (name: string, value: string) => void, p: DbCounters, units: number, unit: string): void {
  const per = (value: number) => num(value / Math.max(1, units), 1);
  add(`Postgres per ${unit}`, `${per(p.walRecords)} WAL records, ${per(p.blocksHit)} buffer hits; ${num(p.commits)} commits`);
  for (const [query, f] of Object.entries(p.statements ?? {})) {
    add(`  ${num(f.execMs + f.planMs)} ms in ${num(f.calls)} calls`, `(plan ${num(f.planMs)} ms, ${num(f.rows)} rows) ${query.replace(/\s+/g, ' ').slice(0, 90)}`);
  }
}
