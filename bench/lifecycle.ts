/**
 * Everything the benchmark starts is registered here and stopped in reverse order: at the end,
 * on an error, and on Ctrl-C / SIGTERM (the second signal gives up waiting).
 */
import { existsSync, readFileSync } from 'node:fs';
import { processTree } from './process-stats';
import { Reaper } from './reaper';

type Stop = { name: string; stop: () => Promise<void> };

const alive = (pid: number) => existsSync(`/proc/${pid}`) && !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));

export class Lifecycle {
  private readonly stops: Stop[] = [];
  private readonly roots: number[] = [];
  private readonly reaper = new Reaper();
  private stopping: Promise<void> | undefined;
  /** Aborted on the first signal: long phases check it between steps. */
  readonly interrupted = new AbortController();

  constructor(private readonly log: (line: string) => void) {}

  /** Registers `stop` and returns `value`, so a start can be wrapped in one expression. */
  own<T>(name: string, value: T, stop: (value: T) => Promise<void>): T {
    this.stops.push({ name, stop: () => stop(value) });
    return value;
  }

  /**
   * A process (and its descendants) that must be gone once everything is stopped; should this
   * process be killed outright, the reaper sends it `signal`.
   */
  watch(pid: number | undefined, signal: NodeJS.Signals = 'SIGTERM'): void {
    if (pid === undefined) return;
    this.roots.push(pid);
    this.reaper.process(pid, signal);
  }

  /** A directory removed by the reaper should this process be killed outright. */
  watchDir(dir: string): void {
    this.reaper.dir(dir);
  }

  stopAll(): Promise<void> {
    this.stopping ??= (async () => {
      const pids = this.roots.flatMap((root) => processTree(root));
      for (const { name, stop } of this.stops.splice(0).reverse()) {
        await stop().catch((error: unknown) => this.log(`  stopping ${name} failed: ${error instanceof Error ? error.message : String(error)}`));
      }
      const left = pids.filter(alive);
      if (left.length > 0) this.log(`  still running after stop: ${left.join(', ')}`);
      else this.reaper.dismiss();
    })();
    return this.stopping;
  }

  installSignalHandlers(): void {
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      signals += 1;
      if (signals > 1) {
        this.log(`${signal} again: exiting without waiting`);
        process.exit(130);
      }
      this.log(`\n${signal}: stopping every process the benchmark started…`);
      this.interrupted.abort(new Error(`interrupted by ${signal}`));
      void this.stopAll().then(() => process.exit(130));
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }

  throwIfInterrupted(): void {
    this.interrupted.signal.throwIfAborted();
  }
}
