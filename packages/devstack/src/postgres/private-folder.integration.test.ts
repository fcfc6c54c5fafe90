import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { freePort } from '../ports';
import { binariesFor, installedBinaries } from './binaries';
import { persistentDataDir } from './data-dir';
import { startEmbeddedPostgres } from './embedded-postgres';
import { canEnter, firstBlockedFolder, PostgresAccessError, serverUser, type ServerUser } from './server-user';

// Postgres runs as another user only when we are root (CI and these machines are): a clone in a
// folder only its owner may enter, such as root's home, is what breaks then.
const asRoot = process.getuid?.() === 0;

(asRoot ? describe : describe.skip)('embedded Postgres from a clone in a folder only root may enter', () => {
  let user: ServerUser;
  let scratch: string;
  let privateDir: string;

  beforeAll(() => {
    user = serverUser() as ServerUser;
    scratch = mkdtempSync(path.join(os.tmpdir(), 'at-private-'));
    chmodSync(scratch, 0o755);
    privateDir = path.join(scratch, 'home');
    mkdirSync(privateDir, { mode: 0o700 });
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  test('the Postgres user is told apart: it can enter the scratch folder but not the private one', () => {
    expect(canEnter(user, scratch)).toBe(true);
    expect(canEnter(user, privateDir)).toBe(false);
    expect(firstBlockedFolder(user, path.join(privateDir, 'clone', '.data'))).toBe(privateDir);
  });

  test('binaries it cannot reach are copied where it can run them, once', () => {
    const installed = installedBinaries();
    const clone = path.join(privateDir, 'native');
    cpSync(installed.nativeDir, clone, { recursive: true, verbatimSymlinks: true });
    const unreachable = { ...installed, nativeDir: clone, initdb: path.join(clone, 'bin', 'initdb'), postgres: path.join(clone, 'bin', 'postgres') };
    const asUser = (program: string) => spawnSync(program, ['--version'], { uid: user.uid, gid: user.gid, encoding: 'utf8' });
    // the failure a new user saw: EACCES spawning initdb
    expect(asUser(unreachable.initdb).error).toMatchObject({ code: 'EACCES' });

    const stagingRoot = path.join(scratch, 'staging');
    const staged = binariesFor(user, unreachable, stagingRoot);
    expect(staged.postgres.startsWith(`${stagingRoot}${path.sep}`)).toBe(true);
    for (const program of [staged.initdb, staged.postgres]) expect(asUser(program).stdout).toMatch(/PostgreSQL\) \d+/);
    const copiedAt = lstatSync(staged.nativeDir).mtimeMs;
    expect(binariesFor(user, unreachable, stagingRoot)).toEqual(staged);
    expect(lstatSync(staged.nativeDir).mtimeMs).toBe(copiedAt);
  });

  test('a staging folder that others may write to is refused rather than trusted', () => {
    const open = path.join(scratch, 'open-staging');
    mkdirSync(open, { mode: 0o777 });
    chmodSync(open, 0o777);
    const unreachable = { ...installedBinaries(), postgres: path.join(privateDir, 'bin', 'postgres') };
    expect(() => binariesFor(user, unreachable, open)).toThrow(PostgresAccessError);
  });

  test('a data folder it cannot enter stops the start with one line that says what to do', async () => {
    const start = startEmbeddedPostgres({ dataDir: path.join(privateDir, 'clone', '.data', 'postgres'), port: await freePort(), persistent: false });
    const error = await start.then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(PostgresAccessError);
    const message = (error as Error).message;
    expect(message.split('\n')).toHaveLength(1);
    expect(message).toContain(`cannot enter ${privateDir}`);
    expect(message).toContain('DATABASE_URL');
  });

  test("the dev stack's data moves where the user can enter, behind a link; deleting the link starts over", async () => {
    const wanted = path.join(privateDir, 'clone', '.data', 'postgres');
    const first = persistentDataDir(wanted);
    try {
      expect(first.dataDir).not.toBe(wanted);
      expect(first.relocated).toContain(`cannot enter ${privateDir}`);
      expect(lstatSync(wanted).isSymbolicLink()).toBe(true);

      const port = await freePort();
      const query = async (url: string, sql: string) => {
        const client = new Client({ connectionString: url });
        await client.connect();
        try {
          return (await client.query(sql)).rows as Array<Record<string, unknown>>;
        } finally {
          await client.end();
        }
      };
      let pg = await startEmbeddedPostgres({ dataDir: first.dataDir, port, persistent: true, database: 'dev' });
      await query(pg.url, 'CREATE TABLE kept (id int); INSERT INTO kept VALUES (1)');
      await pg.stop();

      // started again: the same data
      expect(persistentDataDir(wanted)).toEqual(first);
      pg = await startEmbeddedPostgres({ dataDir: first.dataDir, port, persistent: true, database: 'dev' });
      expect(await query(pg.url, 'SELECT id FROM kept')).toEqual([{ id: 1 }]);
      await pg.stop();

      // `rm -rf .data` to start over: the old data is not picked up again
      rmSync(path.dirname(wanted), { recursive: true, force: true });
      const again = persistentDataDir(wanted);
      expect(again.dataDir).toBe(first.dataDir);
      expect(existsSync(path.join(again.dataDir, 'PG_VERSION'))).toBe(false);
      pg = await startEmbeddedPostgres({ dataDir: again.dataDir, port, persistent: true, database: 'dev' });
      expect(await query(pg.url, "SELECT to_regclass('kept') AS kept")).toEqual([{ kept: null }]);
      await pg.stop();
    } finally {
      rmSync(path.dirname(first.dataDir), { recursive: true, force: true });
    }
  });
});
