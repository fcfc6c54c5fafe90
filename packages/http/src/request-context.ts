import { randomUUID } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import type { Logger } from '@at/common';

const VALID_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestIdOf(res: Response): string {
  return typeof res.locals['requestId'] === 'string' ? res.locals['requestId'] : 'unknown';
}

/** When the request arrived (epoch ms, this host's clock), before any queueing behind it. */
export function receivedAtOf(res: Response): number {
  return typeof res.locals['receivedAt'] === 'number' ? res.locals['receivedAt'] : Date.now();
}

/** Takes a sane incoming x-request-id or makes one; echoes it; logs each request once. */
export function requestContext(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const incoming = req.header('x-request-id');
    const requestId = incoming && VALID_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.locals['requestId'] = requestId;
    res.locals['receivedAt'] = Date.now();
    res.setHeader('x-request-id', requestId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logger.http('request', { request_id: requestId, method: req.method, path: req.path, status: res.statusCode, duration_ms: Math.round(ms * 10) / 10 });
    });
    next();
  };
}
