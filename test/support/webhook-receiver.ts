import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyWebhook } from '@at/common';

/** How a receiver answers; `fail(n)` answers 500 to the first n attempts of each webhook-id, then 200. */
export type ReceiverMode =
  | { kind: 'ok' }
  | { kind: 'fail'; times: number; status?: number; retryAfter?: string }
  | { kind: 'down' }
  | { kind: 'hang' }
  | { kind: 'endless'; status: number }
  | { kind: 'gone' }
  | { kind: 'redirect'; to: string };

export type ReceivedWebhook = { id: string; timestamp: string; signature: string; body: string; verified: boolean[]; at: number };

/**
 * A webhook receiver on loopback that verifies every delivery against the secrets it is given
 * (all of them, during a rotation) and keeps every request, accepted or not.
 */
export type WebhookReceiver = {
  url: string;
  mode: ReceiverMode;
  secrets: string[];
  requests: ReceivedWebhook[];
  /** Events accepted (answered 2xx), once per webhook-id, in arrival order. */
  accepted: Map<string, { type: string; data: Record<string, unknown>; count: number }>;
  stop(): Promise<void>;
};

let tlsMaterial: { key: Buffer; cert: Buffer } | undefined;
/** A self-signed certificate for 127.0.0.1 nobody trusts: the bad-TLS receiver. */
function selfSigned(): { key: Buffer; cert: Buffer } {
  if (tlsMaterial) return tlsMaterial;
  const dir = mkdtempSync(join(tmpdir(), 'webhook-tls-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    tlsMaterial = { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
    return tlsMaterial;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function startWebhookReceiver(mode: ReceiverMode = { kind: 'ok' }, options: { tls?: boolean; port?: number } = {}): Promise<WebhookReceiver> {
  const attemptsById = new Map<string, number>();
  const sockets = new Set<Socket>();
  const receiver: WebhookReceiver = {
    url: '',
    mode,
    secrets: [],
    requests: [],
    accepted: new Map(),
    stop: async () => undefined,
  };
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const header = (name: string) => String(req.headers[name] ?? '');
      const id = header('webhook-id');
      const received: ReceivedWebhook = {
        id,
        timestamp: header('webhook-timestamp'),
        signature: header('webhook-signature'),
        body,
        verified: receiver.secrets.map((secret) => verifyWebhook(secret, { 'webhook-id': id, 'webhook-timestamp': header('webhook-timestamp'), 'webhook-signature': header('webhook-signature') }, body)),
        at: Date.now(),
      };
      receiver.requests.push(received);
      const attempt = (attemptsById.get(id) ?? 0) + 1;
      attemptsById.set(id, attempt);
      const accept = () => {
        const event = JSON.parse(body) as { type: string; data: Record<string, unknown> };
        const seen = receiver.accepted.get(id);
        if (seen) seen.count += 1;
        else receiver.accepted.set(id, { type: event.type, data: event.data, count: 1 });
        res.writeHead(204).end();
      };
      const m = receiver.mode;
      switch (m.kind) {
        case 'ok':
          return accept();
        case 'fail':
          if (attempt > m.times) return accept();
          return res.writeHead(m.status ?? 500, m.retryAfter ? { 'retry-after': m.retryAfter } : {}).end('{"error":"try later"}');
        case 'down':
          return res.writeHead(503).end();
        case 'hang':
          return undefined; // never answers
        case 'endless': {
          res.writeHead(m.status, { 'content-type': 'application/json' });
          const chunk = Buffer.alloc(16 * 1024, 'x');
          const pump = () => {
            while (!res.destroyed && res.write(chunk));
            if (!res.destroyed) res.once('drain', pump);
          };
          return pump();
        }
        case 'gone':
          return res.writeHead(410).end();
        case 'redirect':
          return res.writeHead(302, { location: m.to }).end();
      }
    });
  };
  const server = options.tls ? https.createServer(selfSigned(), handle) : http.createServer(handle);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  receiver.url = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}/hooks`;
  receiver.stop = async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return receiver;
}
