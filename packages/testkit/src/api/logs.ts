import { Writable } from 'node:stream';
import winston from 'winston';
import { createLogger, type Logger } from '@at/common';

export type CapturedLogger = { logger: Logger; lines: string[] };

/** A logger whose JSON lines are kept in memory (and not printed), to assert on what is logged. */
export function capturedLogger(service: string, level = 'debug'): CapturedLogger {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim() !== '') lines.push(line);
      done();
    },
  });
  const logger = createLogger({ service, level });
  logger.clear().add(new winston.transports.Stream({ stream }));
  return { logger, lines };
}
