import { parseArgs } from 'node:util';

/** Knobs of the system under test; the defaults are the settings chosen by measurement (docs/performance.md). */
export type Tuning = {
  /** apollo REVOKE_PAGE_SIZE: connections per page activity. */
  pageSize: number;
  /** apollo REVOKE_PAGE_PARALLELISM and REVOKE_MAX_PAGES_IN_FLIGHT: page activities in flight per run (and per lane). */
  pageParallelism: number;
  /** apollo REVOKE_SNAPSHOT_PAGE_SIZE: connections per snapshot transaction. */
  snapshotPageSize: number;
  /** apollo REVOKE_SNAPSHOT_STEP_MS: how long a snapshot step copies before its pages start. */
  snapshotStepMs: number;
  /** thermos REVOKE_CONCURRENCY: connections in flight inside one page activity. */
  revokeConcurrency: number;
  /** thermos MAX_CONCURRENT_ACTIVITIES. */
  maxActivities: number;
  /** thermos DATABASE_POOL_SIZE. */
  poolSize: number;
  /** thermos processes (worker + run API each), all polling the same task queues. */
  workers: number;
};

export type BenchOptions = {
  connections: number;
  realisticConnections: number;
  /** Connections of the plain-script phase (default: the same as --connections). */
  plainConnections: number;
  /** HTTP client of the plain script: a keep-alive http.Agent like thermos, or fetch. */
  plainHttp: 'agent' | 'fetch';
  /** Seconds of the raw-capacity load test. */
  limitSeconds: number;
  /** Requests per latency measurement. */
  latencyRequests: number;
  realisticLatencyMs: number;
  realisticCeiling: number;
  /** Warm connections the vend phase reads tokens of. */
  vendConnections: number;
  /** Credentials expiring at once in the refresh-ahead phase, and the provider's ceiling there. */
  refreshConnections: number;
  refreshCeiling: number;
  /** How connections are seeded: through the bulk import API (measured), or straight into Postgres by SQL. */
  seed: 'import' | 'sql';
  skip: Set<Phase>;
  tuning: Tuning;
  /** Free text stored with the results (e.g. what a tuning run varies). */
  label: string;
  /** A folder for the V8 CPU profiles of thermos and apollo (node --cpu-prof), written when thermos stops; null: no profile. */
  cpuProfileDir: string | null;
  /** Load pg_stat_statements and report the statements that cost Postgres most in each job phase. */
  statements: boolean;
};

export const PHASES = ['limit', 'plain', 'system', 'realistic', 'vend', 'refresh'] as const;
export type Phase = (typeof PHASES)[number];

export const DEFAULT_TUNING: Tuning = { pageSize: 1000, pageParallelism: 4, snapshotPageSize: 10_000, snapshotStepMs: 2_000, revokeConcurrency: 64, maxActivities: 8, poolSize: 40, workers: 1 };

const USAGE = `pnpm bench [--connections N] [--realistic-connections N] [--plain-connections N] [--plain-http agent|fetch]
  [--page-size N] [--page-parallelism N] [--snapshot-page-size N] [--snapshot-step-ms N] [--revoke-concurrency N]
  [--max-activities N] [--pool-size N] [--workers N] [--limit-seconds S] [--latency-requests N]
  [--vend-connections N] [--refresh-connections N] [--refresh-ceiling N]
  [--skip limit,plain,system,realistic,vend,refresh] [--seed import|sql] [--label TEXT] [--cpu-prof DIR] [--statements]`;

export class UsageError extends Error {
  override readonly name = 'UsageError';
  /** --help: the usage goes to stdout and the exit code is 0. */
  readonly help: boolean;
  constructor(message: string | null) {
    super(message === null ? `usage: ${USAGE}` : `${message}\nusage: ${USAGE}`);
    this.help = message === null;
  }
}

function count(flag: string, value: string | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  // 1,000,000 and 1_000_000 read as numbers too
  const parsed = Number(value.replace(/[,_]/g, ''));
  if (!Number.isInteger(parsed) || parsed < min) throw new UsageError(`--${flag} must be an integer >= ${min}`);
  return parsed;
}

export function parseOptions(argv: string[]): BenchOptions {
  // `pnpm bench -- --connections 5` passes the separator through
  const args = argv.filter((arg) => arg !== '--');
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      connections: { type: 'string' },
      'realistic-connections': { type: 'string' },
      'plain-connections': { type: 'string' },
      'plain-http': { type: 'string' },
      'page-size': { type: 'string' },
      'page-parallelism': { type: 'string' },
      'snapshot-page-size': { type: 'string' },
      'snapshot-step-ms': { type: 'string' },
      'revoke-concurrency': { type: 'string' },
      'max-activities': { type: 'string' },
      'pool-size': { type: 'string' },
      workers: { type: 'string' },
      'limit-seconds': { type: 'string' },
      'latency-requests': { type: 'string' },
      'realistic-latency-ms': { type: 'string' },
      'realistic-ceiling': { type: 'string' },
      'vend-connections': { type: 'string' },
      'refresh-connections': { type: 'string' },
      'refresh-ceiling': { type: 'string' },
      skip: { type: 'string' },
      seed: { type: 'string' },
      label: { type: 'string' },
      'cpu-prof': { type: 'string' },
      statements: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) throw new UsageError(null);
  const skip = new Set<Phase>();
  for (const name of (values.skip ?? '').split(',').filter(Boolean)) {
    if (!(PHASES as readonly string[]).includes(name)) throw new UsageError(`--skip takes ${PHASES.join(', ')}`);
    skip.add(name as Phase);
  }
  const connections = count('connections', values.connections, 100_000);
  const plainHttp = values['plain-http'] ?? 'agent';
  const seed = values.seed ?? 'import';
  if (seed !== 'import' && seed !== 'sql') throw new UsageError('--seed takes import or sql');
  if (plainHttp !== 'agent' && plainHttp !== 'fetch') throw new UsageError('--plain-http takes agent or fetch');
  return {
    connections,
    // a quick run (--connections 2000) stays quick: at 200/s, 10,000 connections take ~2 minutes
    realisticConnections: count('realistic-connections', values['realistic-connections'], Math.min(10_000, connections)),
    plainConnections: count('plain-connections', values['plain-connections'], connections),
    plainHttp,
    limitSeconds: count('limit-seconds', values['limit-seconds'], 10),
    latencyRequests: count('latency-requests', values['latency-requests'], 500),
    realisticLatencyMs: count('realistic-latency-ms', values['realistic-latency-ms'], 100, 0),
    realisticCeiling: count('realistic-ceiling', values['realistic-ceiling'], 200),
    vendConnections: count('vend-connections', values['vend-connections'], 1000),
    refreshConnections: count('refresh-connections', values['refresh-connections'], Math.min(100_000, connections)),
    refreshCeiling: count('refresh-ceiling', values['refresh-ceiling'], 200),
    seed,
    skip,
    label: values.label ?? '',
    cpuProfileDir: values['cpu-prof'] ?? null,
    statements: values.statements ?? false,
    tuning: {
      pageSize: count('page-size', values['page-size'], DEFAULT_TUNING.pageSize),
      pageParallelism: count('page-parallelism', values['page-parallelism'], DEFAULT_TUNING.pageParallelism),
      snapshotPageSize: count('snapshot-page-size', values['snapshot-page-size'], DEFAULT_TUNING.snapshotPageSize),
      snapshotStepMs: count('snapshot-step-ms', values['snapshot-step-ms'], DEFAULT_TUNING.snapshotStepMs, 0),
      revokeConcurrency: count('revoke-concurrency', values['revoke-concurrency'], DEFAULT_TUNING.revokeConcurrency),
      maxActivities: count('max-activities', values['max-activities'], DEFAULT_TUNING.maxActivities),
      poolSize: count('pool-size', values['pool-size'], DEFAULT_TUNING.poolSize),
      workers: count('workers', values.workers, DEFAULT_TUNING.workers),
    },
  };
}

/** Provider calls the workers have in flight at most: pages in flight times connections per page. */
export function workerConcurrency(tuning: Tuning): number {
  return Math.min(tuning.pageParallelism, tuning.maxActivities * tuning.workers) * tuning.revokeConcurrency;
}
