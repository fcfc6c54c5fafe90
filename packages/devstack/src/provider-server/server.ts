import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { type ProviderClient } from './client-auth';
import { ProviderControlClient } from './control-client';
import { CONTROL_PREFIX, control } from './control-routes';
import { type ProviderFaults } from './faults';
import { pathOf, sendJson } from './http-io';
import { ProviderModel } from './provider-model';
import { introspect, revoke, token } from './public-routes';
import { type ProviderStats } from './stats';
import { type IssueOptions, type TokenCheck, type TokenPair } from './state';
import { catalogVendorRoute } from './catalog-vendor-routes';
import { vendorRoute } from './vendor-routes';

export type ProviderServerConfig = {
  clients: readonly ProviderClient[];
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1; /__control/ answers loopback callers only whatever the host. */
  host?: string;
  faults?: ProviderFaults;
};

export type ProviderServer = {
  url: string;
  port: number;
  /** The same client a spawned server offers, so tests can run against either mode. */
  control: ProviderControlClient;
  /** `expired`: the access tokens are past their expiry, their refresh tokens still work. */
  issueTokens(n: number, clientId: string, options?: IssueOptions): TokenPair[];
  /** Pairs the vendor token endpoints issued by refreshing, oldest first. */
  rotations(): TokenPair[];
  check(tokens: readonly string[]): TokenCheck;
  stats(): ProviderStats;
  resetStats(): void;
  faults(): ProviderFaults;
  /** Replaces the faults in force; `{}` clears them. */
  setFaults(faults: ProviderFaults): ProviderFaults;
  close(): Promise<void>;
};

/** Longer than typical client agents' idle timeouts, so the client, not us, closes idle sockets. */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;

function route(model: ProviderModel, req: IncomingMessage, res: ServerResponse): Promise<void> | void {
  const path = pathOf(req.url);
  if (path.startsWith(CONTROL_PREFIX)) return control(req, res, model, path);
  const now = Date.now();
  const isRevoke = path === '/revoke' && req.method === 'POST';
  const countThisSecond = isRevoke ? model.stats.revokeArrived(now) : 0;
  const down = model.faults.downMode(now);
  if (down !== undefined) {
    if (isRevoke) model.stats.revokeAnswered(down === 'reset' ? 'reset' : 503, 'down');
    if (down === 'reset') return void req.socket.destroy();
    return sendJson(res, 503, { error: 'temporarily_unavailable' }, { 'retry-after': String(model.faults.retryAfterSeconds) });
  }
  if (isRevoke) return revoke(req, res, model, countThisSecond);
  if (path === '/token' && req.method === 'POST') return token(req, res, model, model.stats.refreshArrived(now));
  if (path === '/introspect' && req.method === 'POST') {
    model.stats.introspectArrived();
    return introspect(req, res, model);
  }
  if (path === '/revoke' || path === '/introspect' || path === '/token') return sendJson(res, 405, { error: 'method_not_allowed' }, { allow: 'POST' });
  const vendor = vendorRoute(req.method, path) ?? catalogVendorRoute(req.method, path);
  if (vendor) return vendor(req, res, model);
  return sendJson(res, 404, { error: 'not_found' });
}

/**
 * Starts an RFC 7009 revocation + RFC 7662 introspection + refresh_token grant server in this
 * process, which also answers as Slack, GitHub and Dropbox do (vendor-routes.ts) over the same
 * tokens.
 */
export async function createProviderServer(config: ProviderServerConfig): Promise<ProviderServer> {
  const model = new ProviderModel(config.clients, config.faults);
  const server = http.createServer((req, res) => {
    Promise.resolve(route(model, req, res)).catch(() => sendJson(res, 500, { error: 'server_error' }));
  });
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port ?? 0, config.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  const url = `http://${host}:${port}`;
  return {
    url,
    port,
    control: new ProviderControlClient(url),
    issueTokens: (n, clientId, options) => model.mint(clientId, n, options),
    rotations: () => [...model.rotations],
    check: (tokens) => model.check(tokens),
    stats: () => model.snapshot(),
    resetStats: () => model.resetStats(),
    faults: () => model.currentFaults(),
    setFaults: (faults) => model.setFaults(faults),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
