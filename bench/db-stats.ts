import { type PrismaClient } from '@at/db';

/** Postgres's own counters (cumulative), to explain where its CPU goes during a phase. */
export type DbCounters = {
  commits: number;
  blocksHit: number;
  blocksRead: number;
  walRecords: number;
  walFullPageImages: number;
  walMb: number;
  checkpoints: number;
  tables: Record<string, { inserts: number; updates: number; hotUpdates: number; autovacuums: number; autoanalyzes: number }>;
  /** With --statements: each statement's cumulative figures (pg_stat_statements), by its text. */
  statements?: Record<string, StatementFigures>;
};

export type StatementFigures = { calls: number; execMs: number; planMs: number; rows: number };

/** How many of the costliest statements a phase keeps. */
const TOP_STATEMENTS = 8;

const TABLES = ['connected_accounts', 'credentials', 'revoke_items'];

export async function dbCounters(db: PrismaClient): Promise<DbCounters> {
  // statistics are flushed by backends at most once a second; ask for a fresh snapshot
  await db.$executeRawUnsafe('SELECT pg_stat_clear_snapshot()');
  const [database] = await db.$queryRawUnsafe<Array<{ commits: bigint; hit: bigint; read: bigint }>>(
    'SELECT xact_commit AS commits, blks_hit AS hit, blks_read AS read FROM pg_stat_database WHERE datname = current_database()',
  );
  const [wal] = await db.$queryRawUnsafe<Array<{ records: bigint; fpi: bigint; bytes: string }>>('SELECT wal_records AS records, wal_fpi AS fpi, wal_bytes::text AS bytes FROM pg_stat_wal');
  const [checkpoints] = await db.$queryRawUnsafe<Array<{ n: bigint }>>('SELECT num_timed + num_requested AS n FROM pg_stat_checkpointer');
  const tables = await db.$queryRawUnsafe<Array<{ relname: string; ins: bigint; upd: bigint; hot: bigint; av: bigint; aa: bigint }>>(
    `SELECT relname, n_tup_ins AS ins, n_tup_upd AS upd, n_tup_hot_upd AS hot, autovacuum_count AS av, autoanalyze_count AS aa
     FROM pg_stat_user_tables WHERE relname = ANY($1::text[])`,
    TABLES,
  );
  const statements = await statementFigures(db);
  return {
    ...(statements ? { statements } : {}),
    commits: Number(database?.commits ?? 0),
    blocksHit: Number(database?.hit ?? 0),
    blocksRead: Number(database?.read ?? 0),
    walRecords: Number(wal?.records ?? 0),
    walFullPageImages: Number(wal?.fpi ?? 0),
    walMb: Number(wal?.bytes ?? 0) / 1024 / 1024,
    checkpoints: Number(checkpoints?.n ?? 0),
    tables: Object.fromEntries(
      tables.map((t) => [t.relname, { inserts: Number(t.ins), updates: Number(t.upd), hotUpdates: Number(t.hot), autovacuums: Number(t.av), autoanalyzes: Number(t.aa) }]),
    ),
  };
}

async function statementFigures(db: PrismaClient): Promise<Record<string, StatementFigures> | undefined> {
  const [installed] = await db.$queryRawUnsafe<Array<{ n: bigint }>>("SELECT count(*) AS n FROM pg_extension WHERE extname = 'pg_stat_statements'");
  if (!installed || Number(installed.n) === 0) return undefined;
  const rows = await db.$queryRawUnsafe<Array<{ query: string; calls: bigint; exec: number; plan: number; rows: bigint }>>(
    'SELECT query, sum(calls) AS calls, sum(total_exec_time) AS exec, sum(total_plan_time) AS plan, sum(rows) AS rows FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) GROUP BY query',
  );
  return Object.fromEntries(rows.map((r) => [r.query, { calls: Number(r.calls), execMs: Number(r.exec), planMs: Number(r.plan), rows: Number(r.rows) }]));
}

/** The statements that cost most between two readings (execution plus planning), costliest first. */
function statementDelta(before: Record<string, StatementFigures> = {}, after: Record<string, StatementFigures>): Record<string, StatementFigures> {
  const deltas = Object.entries(after).map(([query, a]): [string, StatementFigures] => {
    const b = before[query] ?? { calls: 0, execMs: 0, planMs: 0, rows: 0 };
    return [query, { calls: a.calls - b.calls, execMs: Math.round(a.execMs - b.execMs), planMs: Math.round(a.planMs - b.planMs), rows: a.rows - b.rows }];
  });
  deltas.sort(([, x], [, y]) => y.execMs + y.planMs - (x.execMs + x.planMs));
  return Object.fromEntries(deltas.slice(0, TOP_STATEMENTS));
}

/** after − before, field by field. */
export function dbDelta(before: DbCounters, after: DbCounters): DbCounters {
  const minus = (a: number, b: number) => Math.round((a - b) * 10) / 10;
  return {
    ...(after.statements ? { statements: statementDelta(before.statements, after.statements) } : {}),
    commits: minus(after.commits, before.commits),
    blocksHit: minus(after.blocksHit, before.blocksHit),
    blocksRead: minus(after.blocksRead, before.blocksRead),
    walRecords: minus(after.walRecords, before.walRecords),
    walFullPageImages: minus(after.walFullPageImages, before.walFullPageImages),
    walMb: minus(after.walMb, before.walMb),
    checkpoints: minus(after.checkpoints, before.checkpoints),
    tables: Object.fromEntries(
      Object.entries(after.tables).map(([name, t]) => {
        const b = before.tables[name] ?? { inserts: 0, updates: 0, hotUpdates: 0, autovacuums: 0, autoanalyzes: 0 };
        return [name, { inserts: t.inserts - b.inserts, updates: t.updates - b.updates, hotUpdates: t.hotUpdates - b.hotUpdates, autovacuums: t.autovacuums - b.autovacuums, autoanalyzes: t.autoanalyzes - b.autoanalyzes }];
      }),
    ),
  };
}
