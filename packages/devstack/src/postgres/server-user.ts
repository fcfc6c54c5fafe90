import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';

/**
 * The OS user Postgres runs as. initdb and postgres refuse to run as root, so when we are root
 * they run as a `postgres` system user (created if missing); otherwise as ourselves.
 */
export type ServerUser = { name: string; uid: number; gid: number };

/** Said when the Postgres user cannot reach a folder it needs; one line, with what to do. */
export class PostgresAccessError extends Error {
  override readonly name = 'PostgresAccessError';
}

const NAME = 'postgres';

function lookup(): ServerUser | undefined {
  try {
    const id = (flag: string) => Number(execFileSync('id', [flag, NAME], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    return { name: NAME, uid: id('-u'), gid: id('-g') };
  } catch {
    return undefined;
  }
}

/** undefined when we are not root (Postgres runs as us); else the `postgres` user, created if missing. */
export function serverUser(): ServerUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const found = lookup();
  if (found) return found;
  try {
    execFileSync('groupadd', ['--system', NAME], { stdio: 'ignore' });
  } catch {
    // the group may exist without the user
  }
  execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', '--gid', NAME, NAME], { stdio: 'ignore' });
  const created = lookup();
  if (!created) throw new Error(`could not create the ${NAME} user that Postgres runs as`);
  return created;
}

/** Whether `user` may enter `folder` (and every folder above it), asked as that user. */
export function canEnter(user: ServerUser, folder: string): boolean {
  // as the user itself, so ACLs, groups and mount options count exactly as they will for Postgres
  const probe = spawnSync('/bin/sh', ['-c', 'cd "$1"', 'sh', folder], { uid: user.uid, gid: user.gid, stdio: 'ignore' });
  return probe.status === 0;
}

/** The outermost folder on the way to `folder` that `user` cannot enter, if any. */
export function firstBlockedFolder(user: ServerUser, folder: string): string | undefined {
  const absolute = path.resolve(folder);
  const chain: string[] = [];
  for (let at = absolute; ; at = path.dirname(at)) {
    chain.unshift(at);
    if (path.dirname(at) === at) break;
  }
  return chain.find((at) => !canEnter(user, at));
}
