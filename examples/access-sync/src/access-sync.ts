import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verify } from './verify';

/**
 * The access-sync case: a downstream system grants a `viewer` role to the end user of every live
 * connected account, and takes it away the moment the connection is revoked or deleted.
 * Deliveries are at least once, so events are deduplicated by webhook-id; per connected account
 * they arrive in order, so "created then revoked" never lands as "revoked then created".
 */
export type AccessSync = {
  url: string;
  /** connected account id -> the grant it holds */
  grants: Map<string, { userId: string; role: 'viewer' }>;
  /** webhook-ids already applied */
  seen: Set<string>;
  /** While down, the service answers 503 (a deploy, an outage): Apollo retries. */
  down: boolean;
  stop(): Promise<void>;
};

type Event = { id: string; type: string; data: { connected_account_id?: string; user_id?: string } };

export async function startAccessSync(secret: string, port = 0): Promise<AccessSync> {
  const service: AccessSync = { url: '', grants: new Map(), seen: new Set(), down: false, stop: async () => undefined };
  const server: Server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (service.down) return void res.writeHead(503, { 'retry-after': '1' }).end();
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = { 'webhook-id': req.headers['webhook-id'] as string, 'webhook-timestamp': req.headers['webhook-timestamp'] as string, 'webhook-signature': req.headers['webhook-signature'] as string };
      if (!verify(secret, headers, body)) return void res.writeHead(401).end();
      const event = JSON.parse(body) as Event;
      // at least once: an event seen before is acknowledged again, and not applied twice
      if (!service.seen.has(event.id)) {
        const account = event.data.connected_account_id;
        if (event.type === 'connected_account.created' && account && event.data.user_id) service.grants.set(account, { userId: event.data.user_id, role: 'viewer' });
        if ((event.type === 'connected_account.revoked' || event.type === 'connected_account.deleted') && account) service.grants.delete(account);
        service.seen.add(event.id);
      }
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  service.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`;
  service.stop = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return service;
}
