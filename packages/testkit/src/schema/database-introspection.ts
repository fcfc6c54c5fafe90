import { Client } from 'pg';

/**
 * What a Postgres schema holds, read from pg_catalog: the parts schema.prisma describes (tables,
 * columns, keys, indexes, foreign keys, enums) and nothing it cannot (triggers, functions).
 */
export type DatabaseSchema = { tables: DbTable[]; enums: DbEnum[] };

export type DbTable = {
  name: string;
  columns: DbColumn[];
  primaryKey: DbIndex | undefined;
  /** Unique indexes, including those behind UNIQUE constraints; not the primary key. */
  uniqueIndexes: DbIndex[];
  /** Non-unique indexes. */
  indexes: DbIndex[];
  foreignKeys: DbForeignKey[];
};

export type DbColumn = {
  name: string;
  /** As information_schema.columns.data_type spells it: `text`, `integer`, `ARRAY`, `USER-DEFINED`. */
  dataType: string;
  /** The type's own name: `text`, `int4`, `_text` (array of text), an enum's name. */
  udtName: string;
  /** Postgres's full spelling, with precision: `timestamp(3) with time zone`, `text[]`. */
  formattedType: string;
  nullable: boolean;
  /** The default expression as Postgres prints it, e.g. `'active'::connection_status`. */
  default: string | undefined;
};

export type DbIndex = {
  name: string;
  /** Key columns in index order; an expression key appears as its SQL text. */
  columns: string[];
  /** `btree`, `gin`, ... */
  method: string;
  /** Has a WHERE clause. */
  partial: boolean;
};

export type ReferentialAction = 'NO ACTION' | 'RESTRICT' | 'CASCADE' | 'SET NULL' | 'SET DEFAULT';

export type DbForeignKey = {
  name: string;
  columns: string[];
  referencedTable: string;
  referencedColumns: string[];
  onDelete: ReferentialAction;
  onUpdate: ReferentialAction;
};

export type DbEnum = { name: string; values: string[] };

// pg_constraint.confdeltype / confupdtype codes
const ACTIONS: Record<string, ReferentialAction> = { a: 'NO ACTION', r: 'RESTRICT', c: 'CASCADE', n: 'SET NULL', d: 'SET DEFAULT' };

const TABLES = `
  SELECT c.relname AS name
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')
  ORDER BY c.relname`;

const COLUMNS = `
  SELECT c.relname AS table, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS formatted_type,
         t.typname AS udt_name, NOT a.attnotnull AS nullable, pg_get_expr(d.adbin, d.adrelid) AS default,
         CASE WHEN t.typcategory = 'A' THEN 'ARRAY' WHEN t.typtype IN ('e', 'c', 'd') THEN 'USER-DEFINED'
              ELSE format_type(a.atttypid, NULL) END AS data_type
  FROM pg_attribute a
  JOIN pg_class c ON c.oid = a.attrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_type t ON t.oid = a.atttypid
  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
  WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
  ORDER BY c.relname, a.attnum`;

// Only key columns (the first indnkeyatts), not INCLUDE columns.
const INDEXES = `
  SELECT c.relname AS table, i.relname AS name, x.indisprimary AS primary, x.indisunique AS unique,
         x.indpred IS NOT NULL AS partial, am.amname AS method,
         ARRAY(
           SELECT COALESCE(a.attname::text, pg_get_indexdef(x.indexrelid, k.ord::int, true))
           FROM unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
           LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum AND k.attnum > 0
           WHERE k.ord <= x.indnkeyatts
           ORDER BY k.ord
         ) AS columns
  FROM pg_index x
  JOIN pg_class c ON c.oid = x.indrelid
  JOIN pg_class i ON i.oid = x.indexrelid
  JOIN pg_am am ON am.oid = i.relam
  JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = $1
  ORDER BY c.relname, i.relname`;

const FOREIGN_KEYS = `
  SELECT con.conname AS name, c.relname AS table, rc.relname AS referenced_table,
         con.confdeltype AS on_delete, con.confupdtype AS on_update,
         ARRAY(
           SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
           JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.ord
         ) AS columns,
         ARRAY(
           SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
           JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.ord
         ) AS referenced_columns
  FROM pg_constraint con
  JOIN pg_class c ON c.oid = con.conrelid
  JOIN pg_class rc ON rc.oid = con.confrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = $1 AND con.contype = 'f'
  ORDER BY c.relname, con.conname`;

const ENUMS = `
  SELECT t.typname AS name,
         COALESCE(array_agg(e.enumlabel::text ORDER BY e.enumsortorder) FILTER (WHERE e.enumlabel IS NOT NULL), '{}') AS values
  FROM pg_type t
  JOIN pg_namespace n ON n.oid = t.typnamespace
  LEFT JOIN pg_enum e ON e.enumtypid = t.oid
  WHERE n.nspname = $1 AND t.typtype = 'e'
  GROUP BY t.typname
  ORDER BY t.typname`;

type ColumnRow = { table: string; name: string; formatted_type: string; udt_name: string; nullable: boolean; default: string | null; data_type: string };
type IndexRow = { table: string; name: string; primary: boolean; unique: boolean; partial: boolean; method: string; columns: string[] };
type ForeignKeyRow = { table: string; name: string; referenced_table: string; on_delete: string; on_update: string; columns: string[]; referenced_columns: string[] };

/** Reads the tables, keys, indexes and enums of one Postgres schema (default `public`). */
export async function introspectDatabase(url: string, schema = 'public'): Promise<DatabaseSchema> {
  const client = new Client({ connectionString: url, application_name: 'schema-introspection' });
  await client.connect();
  try {
    // one connection runs one query at a time
    const tables = await client.query<{ name: string }>(TABLES, [schema]);
    const columns = await client.query<ColumnRow>(COLUMNS, [schema]);
    const indexes = await client.query<IndexRow>(INDEXES, [schema]);
    const foreignKeys = await client.query<ForeignKeyRow>(FOREIGN_KEYS, [schema]);
    const enums = await client.query<DbEnum>(ENUMS, [schema]);
    return {
      tables: tables.rows.map(({ name }) => {
        const tableIndexes = indexes.rows.filter((row) => row.table === name);
        return {
          name,
          columns: columns.rows.filter((row) => row.table === name).map(toColumn),
          primaryKey: tableIndexes.filter((row) => row.primary).map(toIndex)[0],
          uniqueIndexes: tableIndexes.filter((row) => row.unique && !row.primary).map(toIndex),
          indexes: tableIndexes.filter((row) => !row.unique).map(toIndex),
          foreignKeys: foreignKeys.rows.filter((row) => row.table === name).map(toForeignKey),
        };
      }),
      enums: enums.rows.map((row) => ({ name: row.name, values: row.values })),
    };
  } finally {
    await client.end();
  }
}

function toColumn(row: ColumnRow): DbColumn {
  return {
    name: row.name,
    dataType: row.data_type,
    udtName: row.udt_name,
    formattedType: row.formatted_type,
    nullable: row.nullable,
    default: row.default ?? undefined,
  };
}

function toIndex(row: IndexRow): DbIndex {
  return { name: row.name, columns: row.columns, method: row.method, partial: row.partial };
}

function toForeignKey(row: ForeignKeyRow): DbForeignKey {
  return {
    name: row.name,
    columns: row.columns,
    referencedTable: row.referenced_table,
    referencedColumns: row.referenced_columns,
    onDelete: referentialAction(row.on_delete),
    onUpdate: referentialAction(row.on_update),
  };
}

function referentialAction(code: string): ReferentialAction {
  const action = ACTIONS[code];
  if (!action) throw new Error(`unknown referential action code "${code}"`);
  return action;
}
