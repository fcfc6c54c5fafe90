import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * Memory and CPU of process trees, read from /proc (Linux). A service is measured as its whole
 * tree (whatever wrapper it runs under), its peak RSS as that of its largest process.
 */
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined; // the process exited meanwhile
  }
}

type Stat = { ppid: number; cpuTicks: number };

function stat(pid: number): Stat | undefined {
  const text = read(`/proc/${pid}/stat`);
  if (!text) return undefined;
  // the command name may hold spaces and parentheses: fields start after the last ')'
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // utime + stime, plus cutime + cstime of children already reaped (short-lived backends)
  return { ppid: Number(fields[1]), cpuTicks: Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]) };
}

function allPids(): number[] {
  return readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number);
}

/** `root` and every process below it. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const pid of allPids()) {
    const s = stat(pid);
    if (s) children.set(s.ppid, [...(children.get(s.ppid) ?? []), pid]);
  }
  const tree: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree.filter((pid) => stat(pid) !== undefined);
}

/** The process whose command line contains `needle` (e.g. a Postgres data directory). */
export function findProcess(needle: string): number | undefined {
  return allPids().find((pid) => (read(`/proc/${pid}/cmdline`) ?? '').replace(/\0/g, ' ').includes(needle) && stat(pid) !== undefined);
}

function statusKb(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(read(`/proc/${pid}/status`) ?? '');
  return match ? Number(match[1]) : 0;
}

/** Peak resident set (VmHWM) of the largest process of a tree: the one running the service. */
export function peakRssMb(root: number): number {
  return Math.max(0, ...processTree(root).map((pid) => statusKb(pid, 'VmHWM'))) / 1024;
}

/** CPU seconds (user + system) used so far by every process of a tree. */
export function cpuSeconds(root: number): number {
  return processTree(root).reduce((sum, pid) => sum + (stat(pid)?.cpuTicks ?? 0), 0) / CLOCK_TICKS;
}

/** CPU seconds used by each named tree between construction and `stop()`. */
export class CpuMeter {
  private readonly start: Map<string, number>;
  private readonly startedAt = Date.now();

  constructor(private readonly roots: Record<string, number | undefined>) {
    this.start = new Map(Object.entries(roots).map(([name, pid]) => [name, pid === undefined ? 0 : cpuSeconds(pid)]));
  }

  stop(): { wallSeconds: number; cpuSeconds: Record<string, number> } {
    const wallSeconds = (Date.now() - this.startedAt) / 1000;
    const used = Object.entries(this.roots).map(([name, pid]) => [name, pid === undefined ? 0 : round(cpuSeconds(pid) - (this.start.get(name) ?? 0), 1)] as const);
    return { wallSeconds: round(wallSeconds, 1), cpuSeconds: Object.fromEntries(used) };
  }
}

export const round = (value: number, digits = 0) => Math.round(value * 10 ** digits) / 10 ** digits;

/** /proc/loadavg's three averages: other work on this machine skews every figure. */
export function loadAverage(): string {
  return (read('/proc/loadavg') ?? '').split(' ').slice(0, 3).join(' ');
}
