import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import express, { type Express, type RequestHandler } from 'express';
import type { Logger } from '@at/common';
import { API_SECURITY_HEADERS } from './security-headers';

export type ReadinessCheck = { name: string; check: () => Promise<void> };

/** Liveness, readiness (dependency checks; 503 while draining) for one service. */
export function healthRoutes(checks: ReadinessCheck[], isDraining: () => boolean): express.Router {
  const router = express.Router();
  router.get('/livez', (_req, res) => {
    res.json({ status: 'ok' });
  });
  const readyz: RequestHandler = async (_req, res) => {
    if (isDraining()) {
      res.status(503).json({ status: 'draining' });
      return;
    }
    const results = await Promise.all(
      checks.map(async ({ name, check }) => {
        try {
          await check();
          return [name, 'ok'] as const;
        } catch {
          return [name, 'unavailable'] as const;
        }
      }),
    );
    const ok = results.every(([, state]) => state === 'ok');
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'unavailable', checks: Object.fromEntries(results) });
  };
  router.get('/readyz', readyz);
  return router;
}

export type RunningServer = { port: number; url: string; close: (graceMs?: number) => Promise<void> };

/**
 * Requests Node's HTTP parser refuses (oversized headers or URL, malformed request line, both
 * content-length and transfer-encoding) never reach Express, and Node answers them with an empty
 * body: answer in the one error shape instead, with the usual headers.
 */
function answerClientError(logger: Logger) {
  return (error: Error & { code?: string }, socket: Socket) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    const code = status === 431 ? 'headers_too_large' : status === 408 ? 'request_timeout' : 'malformed_request';
    const requestId = randomUUID();
    const body = JSON.stringify({ error: { code, message: status === 431 ? 'request line or headers are too large' : status === 408 ? 'request timed out' : 'malformed HTTP request', request_id: requestId } });
    const headers = { ...API_SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(body)), 'x-request-id': requestId, connection: 'close' };
    logger.warn('request refused by the HTTP parser', { request_id: requestId, status, code: error.code });
    socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? ''}\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n${body}`);
  };
}

/** Listens, and closes gracefully: stop accepting, let in-flight requests finish, then cut. */
export async function listen(app: Express, port: number, host: string, logger: Logger): Promise<RunningServer> {
  const server = http.createServer(app);
  server.keepAliveTimeout = 5_000;
  server.headersTimeout = 10_000;
  server.requestTimeout = 60_000;
  server.on('clientError', answerClientError(logger));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${actual}`;
  logger.info('listening', { url });
  return {
    port: actual,
    url,
    close: (graceMs = 10_000) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => server.closeAllConnections(), graceMs);
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}
