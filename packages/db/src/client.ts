import { createHash } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client';

export { PrismaClient };
export type * from '../generated/prisma/client';
export { Prisma } from '../generated/prisma/client';

export type DbOptions = { url: string; poolSize?: number; applicationName?: string };

/**
 * Marks a hot statement of fixed text as a prepared statement: written first in its SQL, it
 * makes each pooled connection parse and plan the statement once and then reuse it (Postgres
 * keeps a generic plan once it costs no more than the custom ones), instead of planning every
 * call. Only marked statements are named, so the server's per-connection statement cache stays
 * bounded by the few texts that carry the mark.
 */
export const PREPARED = '/* prepared */';

/** The prepared statement name of a marked SQL text (a hash of the text), or undefined. */
export function preparedStatementName(sql: string): string | undefined {
  if (!sql.startsWith(PREPARED)) return undefined;
  return `at_${createHash('sha256').update(sql).digest('hex').slice(0, 24)}`;
}

// the pool under each client createDb made, for hotQuery
const pools = new WeakMap<object, pg.Pool>();
const names = new Map<string, string | undefined>();

function nameOf(sql: string): string | undefined {
  if (!sql.startsWith(PREPARED)) return undefined;
  // a text is hashed once, not per call (the marked texts are few)
  let name = names.get(sql);
  if (name === undefined) names.set(sql, (name = preparedStatementName(sql)));
  return name;
}

/** A Prisma client over node-postgres (driver adapter: no query engine binary needed). */
export function createDb({ url, poolSize = 10, applicationName = 'apollo-thermos' }: DbOptions): PrismaClient {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, application_name: applicationName, connectionTimeoutMillis: 10_000 });
  const adapter = new PrismaPg(pool, { disposeExternalPool: true, statementNameGenerator: ({ sql }) => nameOf(sql) as string });
  const client = new PrismaClient({ adapter });
  pools.set(client, pool);
  return client;
}

/**
 * Runs a hot statement of fixed text (marked PREPARED, `$n` parameters) straight on the
 * client's pool as a prepared statement: no ORM layer on the path that runs it thousands of
 * times a second. A client createDb did not make (a transaction's) runs it through Prisma.
 * Rows come back as node-postgres parses them (int4 and float8 as numbers, jsonb parsed,
 * int8 as a string).
 */
export async function hotQuery<T>(db: PrismaClient, sql: string, values: unknown[]): Promise<T[]> {
  if (!sql.startsWith(PREPARED)) throw new TypeError('hotQuery runs PREPARED statements only');
  const pool = pools.get(db);
  if (!pool) return db.$queryRawUnsafe<T[]>(sql, ...values);
  const result = await pool.query<T & pg.QueryResultRow>({ name: nameOf(sql), text: sql, values });
  return result.rows;
}
