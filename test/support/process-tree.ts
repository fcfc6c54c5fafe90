import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { ServiceProcess } from '@at/devstack';

/** Every descendant of `pid` (Linux /proc), children before their own children. */
export function descendants(pid: number): number[] {
  const found: number[] = [];
  const visit = (parent: number) => {
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${parent}/task`);
    } catch {
      return;
    }
    for (const task of tasks) {
      let children = '';
      try {
        children = readFileSync(`/proc/${parent}/task/${task}/children`, 'utf8');
      } catch {
        continue;
      }
      for (const child of children.split(' ').filter(Boolean).map(Number)) {
        found.push(child);
        visit(child);
      }
    }
  };
  visit(pid);
  return found;
}

/**
 * SIGKILL a service and everything it started. spawnService runs entry points through the tsx
 * CLI, which runs the program in a child of its own: killing only the CLI would leave the real
 * process running, orphaned, so a "crash" would crash nothing.
 */
export async function killTree(service: ServiceProcess): Promise<void> {
  const pids = service.child.pid === undefined ? [] : descendants(service.child.pid);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await service.kill();
  // the orphans are reaped by init; wait until they are really gone
  const deadline = Date.now() + 10_000;
  while (pids.some((pid) => existsSync(`/proc/${pid}`) && !zombie(pid)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}

function zombie(pid: number): boolean {
  try {
    return /^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return true;
  }
}
