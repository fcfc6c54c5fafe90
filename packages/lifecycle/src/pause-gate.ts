import { delayUnlessAborted, type Logger } from '@at/common';
import { pauseFor, readPauses, type AppliedPause, type PauseRow, type PrismaClient } from '@at/db';
import type { ProviderGate } from './provider-gate';

/**
 * The kill switches as every provider call sees them: thermos's revocation pages wait here before
 * claiming a connection (and before each request leaves), and every refresh (apollo's vend,
 * thermos's refresh ahead) asks `providerGateOf` before calling. While a pause applies to the connection's project the call waits, sending nothing, and goes on
 * when it is lifted. Pauses are re-read at most every `ttlMs`, so a pause or resume reaches
 * every worker within a few seconds without a query per call.
 */
export type PauseGate = {
  /** The pause holding a project now (cached), or null. */
  current(projectId: string): Promise<AppliedPause | null>;
  /** Resolves when the project may call out, or early when the signal aborts or `stop()` says so (the caller checks which). */
  wait(projectId: string, signal: AbortSignal, stop: () => boolean): Promise<void>;
};

export function createPauseGate(options: { db: PrismaClient; envPaused: boolean; ttlMs?: number; logger?: Logger }): PauseGate {
  const ttlMs = options.ttlMs ?? 2_000;
  const since = new Date();
  let rows: PauseRow[] = [];
  let readAt = 0;
  let reading: Promise<void> | null = null;
  const refresh = async () => {
    if (Date.now() - readAt < ttlMs) return;
    reading ??= readPauses(options.db)
      .then((fresh) => {
        rows = fresh;
        readAt = Date.now();
      })
      .finally(() => {
        reading = null;
      });
    await reading;
  };
  const current = async (projectId: string) => {
    await refresh();
    return pauseFor(rows, projectId, { paused: options.envPaused, since });
  };
  return {
    current,
    async wait(projectId, signal, stop) {
      let logged = false;
      for (;;) {
        if (signal.aborted || stop()) return;
        const pause = await current(projectId);
        if (!pause) return;
        if (!logged) options.logger?.info('provider calls paused: waiting', { project_id: projectId, by: pause.by });
        logged = true;
        await delayUnlessAborted(Math.min(ttlMs, 1_000), signal);
      }
    },
  };
}

/** The refresh path's gate: a paused project's refresh is not sent (the vend serves what it has). */
export function providerGateOf(pause: PauseGate): ProviderGate {
  return async (target) => {
    const applied = await pause.current(target.projectId);
    if (!applied) return { allowed: true };
    return { allowed: false, reason: applied.by === 'operator' ? `paused by the operator${applied.reason ? `: ${applied.reason}` : ''}` : `project paused${applied.reason ? `: ${applied.reason}` : ''}` };
  };
}
