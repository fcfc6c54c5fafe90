import { randomUUID } from 'node:crypto';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { redact, type DomainError, type Logger } from '@at/common';
import { toHttpError } from './error-mapping';
import { requestIdOf } from './request-context';

/** Express error middleware: one JSON error shape for every failure, never a stack trace. */
export function errorHandler(logger: Logger, options: { classify?: (error: unknown) => DomainError | undefined } = {}): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const mapped = toHttpError(options.classify?.(error) ?? error);
    const requestId = requestIdOf(res);
    const body: { error: Record<string, unknown> } = { error: { code: mapped.code, message: mapped.message, request_id: requestId } };
    if (mapped.fields) body.error['fields'] = mapped.fields;
    if (mapped.expected) {
      logger.warn('request failed', { request_id: requestId, method: req.method, path: req.path, status: mapped.status, code: mapped.code });
    } else {
      const errorId = randomUUID();
      body.error['error_id'] = errorId;
      logger.error('unhandled error', { request_id: requestId, error_id: errorId, method: req.method, path: req.path, error: redact(error) });
    }
    if (res.headersSent) return;
    for (const [name, value] of Object.entries(mapped.headers ?? {})) res.setHeader(name, value);
    res.status(mapped.status).json(body);
  };
}

export const notFoundHandler: RequestHandler = (_req, res) => {
  res.status(404).json({ error: { code: 'not_found', message: 'no such endpoint', request_id: requestIdOf(res) } });
};
