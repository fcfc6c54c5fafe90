import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrate } from '@at/db';
import { freePort, spawnProviderServer, spawnService, startEmbeddedPostgres, startTemporalServer, type ServiceProcess, type SpawnedProviderServer } from '@at/devstack';

/** Everything started is stopped in reverse order: at the end, on an error, on Ctrl-C. */
export class Stops {
  private readonly stops: Array<{ name: string; stop: () => Promise<void> }> = [];
  private stopping: Promise<void> | undefined;

  constructor(private readonly log: (line: string) => void) {}

  own<T>(name: string, value: T, stop: (value: T) => Promise<void>): T {
    this.stops.push({ name, stop: () => stop(value) });
    return value;
  }

  stopAll(): Promise<void> {
    this.stopping ??= (async () => {
      for (const { name, stop } of this.stops.splice(0).reverse()) {
        await stop().catch((error: unknown) => this.log(`  stopping ${name} failed: ${error instanceof Error ? error.message : String(error)}`));
      }
    })();
    return this.stopping;
  }
}

export const LOAD_CLIENT = { clientId: 'load-app', clientSecret: `load-secret-${randomBytes(12).toString('hex')}` };

export type LoadInfra = {
  databaseUrl: string;
  provider: SpawnedProviderServer;
  apolloUrl: string;
  thermosUrl: string;
  apollo: ServiceProcess;
  thermos: ServiceProcess;
  secrets: { VAULT_KEYS: string; CURSOR_SECRET: string; THERMOS_SERVICE_TOKEN: string; ADMIN_TOKEN: string };
};

/**
 * An embedded Postgres (temporary, migrated), an in-memory Temporal dev server, the RFC 7009
 * provider server, then thermos and apollo, each in a process of its own like a deployment.
 */
export async function startInfra(stops: Stops, log: (line: string) => void, rateLimitPerMinute: number, thermosMode: 'split' | 'all' = 'split'): Promise<LoadInfra> {
  const parent = stops.own('temporary directory', mkdtempSync(path.join(os.tmpdir(), 'at-load-')), async (dir) => rmSync(dir, { recursive: true, force: true }));
  chmodSync(parent, 0o755); // initdb runs as the unprivileged postgres user
  log('starting embedded Postgres');
  const pg = stops.own('postgres', await startEmbeddedPostgres({ dataDir: path.join(parent, 'postgres'), port: await freePort(), persistent: false, database: 'load' }), (h) => h.stop());
  await migrate(pg.url);
  log('starting the Temporal dev server (in memory)');
  const temporal = stops.own('temporal', await startTemporalServer({ port: await freePort() }), (h) => h.stop());
  log('starting the provider server, thermos and apollo');
  const provider = stops.own('provider server', await spawnProviderServer({ clients: [LOAD_CLIENT] }), (p) => p.stop());
  const secrets = {
    VAULT_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    CURSOR_SECRET: randomBytes(32).toString('hex'),
    THERMOS_SERVICE_TOKEN: randomBytes(24).toString('hex'),
    ADMIN_TOKEN: randomBytes(24).toString('hex'),
  };
  // the provider server listens on plain http on loopback
  const shared = { DATABASE_URL: pg.url, TEMPORAL_ADDRESS: temporal.address, ...secrets, PROVIDER_ALLOW_INSECURE_LOOPBACK: 'true', LOG_LEVEL: 'warn' };
  const [thermosPort, apolloPort] = [await freePort(), await freePort()];
  // the generic-OAuth ceiling (20/s per origin) would make every job the provider's queue
  const thermosEnv = { ...shared, THERMOS_PORT: String(thermosPort), PROVIDER_RATE_LIMITS: JSON.stringify({ oauth2: 0 }) };
  // split: the run API answers apollo from its own event loop and database pool, as deployed
  const thermos = stops.own('thermos', spawnService('thermos', 'apps/thermos/src/main.ts', { ...thermosEnv, THERMOS_ROLE: thermosMode === 'split' ? 'api' : 'all' }), (s) => s.stop());
  if (thermosMode === 'split') {
    const worker = stops.own('thermos worker', spawnService('thermos-worker', 'apps/thermos/src/main.ts', { ...thermosEnv, THERMOS_ROLE: 'worker', LOG_LEVEL: 'info' }), (s) => s.stop());
    await worker.waitForLine(/"message":"worker started"/, 120_000);
  }
  const apollo = stops.own(
    'apollo',
    spawnService('apollo', 'apps/apollo/src/main.ts', { ...shared, APOLLO_PORT: String(apolloPort), THERMOS_URL: `http://127.0.0.1:${thermosPort}`, RATE_LIMIT_PER_MINUTE: String(rateLimitPerMinute) }),
    (s) => s.stop(),
  );
  await ready(thermos, `http://127.0.0.1:${thermosPort}/readyz`);
  await ready(apollo, `http://127.0.0.1:${apolloPort}/readyz`);
  return { databaseUrl: pg.url, provider, apolloUrl: `http://127.0.0.1:${apolloPort}`, thermosUrl: `http://127.0.0.1:${thermosPort}`, apollo, thermos, secrets };
}

/** With LOG_LEVEL=warn the services print nothing when they start: poll their readiness. */
async function ready(service: ServiceProcess, url: string, timeoutMs = 120_000): Promise<void> {
  let exited: number | null | undefined;
  void service.exited.then((code) => (exited = code));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited !== undefined) throw new Error(`${service.name} exited (${exited}):\n${service.lines.slice(-20).join('\n')}`);
    const ok = await fetch(url)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${url} not ready after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
