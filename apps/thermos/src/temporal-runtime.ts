import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import type { Logger } from '@at/common';

let installed = false;

/**
 * Routes the Temporal SDK's own logs (worker state changes, core warnings) into our JSON logger,
 * at warn and above. The runtime is process-wide and can be installed once, before any
 * connection; later calls (several thermos instances in one test process) keep the first.
 */
export function installTemporalRuntimeLogger(logger: Logger): void {
  if (installed || Runtime._instance) return;
  installed = true;
  const forward = (level: LogLevel, message: string, meta?: Record<string, unknown>) => {
    const target = level === 'ERROR' ? 'error' : 'warn';
    logger.log(target, `temporal: ${message}`, { temporal: meta });
  };
  Runtime.install({ logger: new DefaultLogger('WARN', (entry) => forward(entry.level, entry.message, entry.meta)) });
}
