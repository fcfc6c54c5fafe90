import type { PrismaClient } from '@at/db';

/** Row count and content hash of one table. */
export type TableState = { rows: number; md5: string };
export type DatabaseState = Record<string, TableState>;

const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

// Bookkeeping emptied in the background, not by any request: the relay takes each event off its
// outbox once it has fanned it out to the webhook endpoints (the events themselves stay as written).
const BOOKKEEPING = ['event_outbox'];

export async function publicTables(db: PrismaClient): Promise<string[]> {
  const rows = await db.$queryRawUnsafe<Array<{ table_name: string }>>(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name",
  );
  return rows.map((r) => r.table_name).filter((name) => !BOOKKEEPING.includes(name));
}

/**
 * Every table's row count and an order-independent hash of its rows, in one round trip: equal
 * states mean no row was inserted, updated or deleted in between (background bookkeeping aside).
 */
export async function databaseState(db: PrismaClient, tables?: string[]): Promise<DatabaseState> {
  const names = tables ?? (await publicTables(db));
  const sql = names
    .map((t) => `SELECT '${t.replace(/'/g, "''")}' AS t, count(*)::int AS n, coalesce(md5(string_agg(x::text, '|' ORDER BY x::text)), '') AS h FROM ${quoted(t)} x`)
    .join(' UNION ALL ');
  const rows = await db.$queryRawUnsafe<Array<{ t: string; n: number; h: string }>>(sql);
  return Object.fromEntries(rows.map((r) => [r.t, { rows: r.n, md5: r.h }]));
}

/** Tables whose rows differ between two states, with their row counts. */
export function changedTables(before: DatabaseState, after: DatabaseState): Array<{ table: string; before: number | undefined; after: number | undefined }> {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names]
    .filter((t) => before[t]?.md5 !== after[t]?.md5 || before[t]?.rows !== after[t]?.rows)
    .map((t) => ({ table: t, before: before[t]?.rows, after: after[t]?.rows }));
}

/** The forms a plaintext secret could be stored in without being sealed. */
export function plainForms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  return [...new Set([secret, bytes.toString('base64'), bytes.toString('base64url'), bytes.toString('hex')])];
}

export type PlaintextHit = { table: string; column: string; secret: string };

/**
 * Scans every column of every table (as text: covers text, varchar, jsonb, arrays, enums) for
 * each secret in its plain, base64 and hex forms. Returns where each one was found.
 */
export async function findPlaintexts(db: PrismaClient, secrets: string[]): Promise<{ hits: PlaintextHit[]; columnsScanned: number; valuesScanned: number }> {
  const columns = await db.$queryRawUnsafe<Array<{ table_name: string; column_name: string }>>(
    `SELECT c.table_name, c.column_name FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
      WHERE c.table_schema = 'public' ORDER BY c.table_name, c.ordinal_position`,
  );
  const needles = secrets.flatMap((secret) => plainForms(secret).map((form) => ({ secret, form })));
  const hits: PlaintextHit[] = [];
  let valuesScanned = 0;
  for (const { table_name: table, column_name: column } of columns) {
    const values = await db.$queryRawUnsafe<Array<{ v: string | null }>>(`SELECT ${quoted(column)}::text AS v FROM ${quoted(table)}`);
    for (const { v } of values) {
      if (v === null) continue;
      valuesScanned += 1;
      for (const { secret, form } of needles) if (v.includes(form)) hits.push({ table, column, secret: `${secret.slice(0, 6)}…` });
    }
  }
  return { hits, columnsScanned: columns.length, valuesScanned };
}
