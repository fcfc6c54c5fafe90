import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A watchdog outside the benchmark's process group. tsx's CLI SIGKILLs its child when that child
 * is slow (30 ms) to acknowledge a Ctrl-C, as happens on a loaded machine; the benchmark then
 * cannot stop what it started. The reaper polls the benchmark's pid and, once it is gone, signals
 * every process tree listed in the state file and removes the listed directories. After a normal
 * stop the state file is gone and the reaper just exits.
 */
const SOURCE = `
const fs = require('fs');
const [benchPid, stateFile] = process.argv.slice(1).map((a, i) => (i === 0 ? Number(a) : a));
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };
const tree = (root) => {
  const children = new Map();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync('/proc/' + name + '/stat', 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) || []), Number(name)]);
    } catch {}
  }
  const out = [];
  const queue = [root];
  while (queue.length) { const pid = queue.shift(); out.push(pid); queue.push(...(children.get(pid) || [])); }
  return out;
};
const timer = setInterval(() => {
  if (alive(benchPid)) return;
  clearInterval(timer);
  let state;
  try { state = JSON.parse(fs.readFileSync(stateFile, 'utf8')); } catch { process.exit(0); }
  const targets = state.processes.flatMap(({ pid, signal }) => (alive(pid) ? tree(pid).map((p) => [p, signal]) : []));
  for (const [pid, signal] of targets) { try { process.kill(pid, signal); } catch {} }
  setTimeout(() => {
    for (const [pid] of targets) { try { process.kill(pid, 'SIGKILL'); } catch {} }
    for (const dir of state.dirs) { try { fs.rmSync(dir, { recursive: true, force: true }); } catch {} }
    fs.rmSync(stateFile, { force: true });
    process.exit(0);
  }, 10000);
}, 500);
`;

export type ReaperState = { processes: Array<{ pid: number; signal: NodeJS.Signals }>; dirs: string[] };

export class Reaper {
  private readonly state: ReaperState = { processes: [], dirs: [] };
  private readonly file = path.join(os.tmpdir(), `at-bench-reaper-${process.pid}.json`);

  constructor() {
    const child = spawn(process.execPath, ['-e', SOURCE, String(process.pid), this.file], { detached: true, stdio: 'ignore' });
    child.unref();
    this.save();
  }

  /** `signal` asks the process to stop (Postgres: SIGINT, a fast shutdown). */
  process(pid: number | undefined, signal: NodeJS.Signals = 'SIGTERM'): void {
    if (pid === undefined) return;
    this.state.processes.push({ pid, signal });
    this.save();
  }

  dir(dir: string): void {
    this.state.dirs.push(dir);
    this.save();
  }

  /** Everything was stopped in order: nothing left for the reaper to do. */
  dismiss(): void {
    rmSync(this.file, { force: true });
  }

  private save(): void {
    writeFileSync(this.file, JSON.stringify(this.state));
  }
}
