import winston from 'winston';
import { redact } from './redact';

export type Logger = winston.Logger;

const redactFormat = winston.format((info) => {
  const cleaned = redact({ ...info }) as Record<string, unknown>;
  for (const key of Object.keys(info)) delete (info as Record<string, unknown>)[key];
  Object.assign(info, cleaned);
  // winston keeps level/message under symbols too; keep them in sync with the redacted copy
  const sym = info as unknown as Record<symbol, unknown>;
  sym[Symbol.for('message')] = undefined;
  return info;
});

export type LoggerOptions = { service: string; level?: string; silent?: boolean };

/** JSON logs with the service name, ISO timestamps and redaction of every secret. */
export function createLogger({ service, level = 'info', silent = false }: LoggerOptions): Logger {
  return winston.createLogger({
    level,
    silent,
    defaultMeta: { service },
    format: winston.format.combine(winston.format.errors({ stack: true }), redactFormat(), winston.format.timestamp(), winston.format.json()),
    transports: [new winston.transports.Console({ stderrLevels: ['error', 'warn'] })],
  });
}
