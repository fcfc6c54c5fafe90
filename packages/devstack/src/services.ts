import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../../..');

export type ServiceProcess = {
  name: string;
  child: ChildProcess;
  /** Every line the process printed (stdout and stderr), in order. */
  lines: string[];
  /** Resolves on the first line matching `pattern` (already printed or future). */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** SIGTERM, then SIGKILL after the grace time. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL now: a crash. */
  kill(): Promise<void>;
  exited: Promise<number | null>;
};

/** Runs a TypeScript entry point of this repository as its own process (TypeScript through tsx's loader). */
export function spawnService(name: string, entry: string, env: Record<string, string>, options: { onLine?: (line: string) => void; nodeArgs?: string[] } = {}): ServiceProcess {
  // node --import tsx: one process, so kill() hits the service itself (the tsx CLI would put a
  // wrapper process in between and a SIGKILL would leave the service running)
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', path.resolve(REPO_ROOT, entry)], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters: Array<{ pattern: RegExp; resolve: (line: string) => void }> = [];
  const onData = (buffer: { rest: string }) => (chunk: Buffer) => {
    const text = buffer.rest + chunk.toString();
    const parts = text.split('\n');
    buffer.rest = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      options.onLine?.(line);
      for (const waiter of [...waiters]) {
        if (waiter.pattern.test(line)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(line);
        }
      }
    }
  };
  child.stdout?.on('data', onData({ rest: '' }));
  child.stderr?.on('data', onData({ rest: '' }));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    name,
    child,
    lines,
    exited,
    waitForLine(pattern, timeoutMs = 60_000) {
      const seen = lines.find((line) => pattern.test(line));
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${name}: no line matching ${pattern} within ${timeoutMs} ms; last lines:\n${lines.slice(-20).join('\n')}`)), timeoutMs);
        void exited.then((code) => {
          clearTimeout(timer);
          reject(new Error(`${name} exited (${code}) before printing ${pattern}; last lines:\n${lines.slice(-20).join('\n')}`));
        });
        waiters.push({
          pattern,
          resolve: (line) => {
            clearTimeout(timer);
            resolve(line);
          },
        });
      });
    },
    stop: (graceMs = 30_000) => stopChild(child, graceMs),
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** SIGTERM, then SIGKILL after the grace time; resolves once the child has exited. */
export function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
