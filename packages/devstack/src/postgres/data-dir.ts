import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { assertRootOwnedAndClosed, STAGING_ROOT } from './binaries';
import { firstBlockedFolder, PostgresAccessError, serverUser } from './server-user';

export type PersistentDataDir = {
  dataDir: string;
  /** Set when the data lives elsewhere than asked: where, and why. */
  relocated?: string;
};

function lexists(file: string): boolean {
  try {
    lstatSync(file);
    return true;
  } catch {
    return false;
  }
}

function isLinkTo(link: string, target: string): boolean {
  try {
    return lstatSync(link).isSymbolicLink() && readlinkSync(link) === target;
  } catch {
    return false;
  }
}

/**
 * The data folder of a Postgres that outlives its process (the dev stack's `.data/postgres`).
 * When Postgres runs as a user who cannot enter the folder above `preferred` (a clone in a
 * folder only its owner may enter), the data lives under STAGING_ROOT and `preferred` becomes a
 * link to it; no permission of the user's folders changes. Deleting the link (or `.data`)
 * still starts over: a fresh link never reuses old data.
 */
export function persistentDataDir(preferred: string): PersistentDataDir {
  const wanted = path.resolve(preferred);
  const user = serverUser();
  mkdirSync(path.dirname(wanted), { recursive: true });
  const blocked = user && firstBlockedFolder(user, path.dirname(wanted));
  if (!user || !blocked) return { dataDir: wanted };
  const relocated = path.join(STAGING_ROOT, `data-${createHash('sha256').update(wanted).digest('hex').slice(0, 16)}`, path.basename(wanted));
  const why = `the ${user.name} user that runs Postgres cannot enter ${blocked}`;
  const ours = isLinkTo(wanted, relocated);
  if (ours && existsSync(relocated)) return { dataDir: relocated, relocated: `${relocated}, linked from ${wanted}: ${why}` };
  if (ours) rmSync(wanted); // its data went away (a cleaned /var/tmp): start over
  else if (lexists(wanted)) throw new PostgresAccessError(`${why}, so it cannot use ${wanted}: move the clone to a folder that user can enter, or delete ${wanted} to start over`);
  mkdirSync(STAGING_ROOT, { recursive: true, mode: 0o755 });
  assertRootOwnedAndClosed(STAGING_ROOT);
  rmSync(relocated, { recursive: true, force: true });
  mkdirSync(path.dirname(relocated), { recursive: true, mode: 0o755 });
  symlinkSync(relocated, wanted);
  return { dataDir: relocated, relocated: `${relocated}, linked from ${wanted}: ${why}` };
}
