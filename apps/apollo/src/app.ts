import express from 'express';
import { Client, Connection } from '@temporalio/client';
import { createLogger, DependencyUnavailableError, type Logger } from '@at/common';
import { createDb, isConnectionError, isSerializationError } from '@at/db';
import {
  buildOpenApiDocument,
  createCursorCodec,
  createServiceApp,
  listen,
  mountRoutes,
  OpenAPIRegistry,
  type RunningServer,
} from '@at/http';
import { createPauseGate, providerGateOf, refreshTiming } from '@at/lifecycle';
import { createPostgresRateLimiter, createRefresher } from '@at/providers';
import { Vault } from '@at/vault';
import { adminTokenAuth, apiKeyAuth, consoleSessionAuth, orgTokenAuth } from './auth/authenticators';
import { auditStateChanges } from './audit';
import { CSRF_HEADER, SESSION_COOKIE } from './auth/console-session';
import { consoleSite } from './console/console-site';
import { connectSite } from './connect/connect-site';
import { createRateLimiter } from './auth/rate-limit';
import { createThermosClient } from './clients/thermos-client';
import type { ApolloContext } from './context';
import type { ApolloEnv } from './env';
import { startReconciler, type Reconciler } from './reconciler';
import { apolloRoutes } from './routes';
import { IMPORT_PATH } from './routes/api/v1/connected_accounts/import/postConnectedAccountsImport';

export type Apollo = { url: string; port: number; context: ApolloContext; reconciler: Reconciler; stop: () => Promise<void> };

function registerSecuritySchemes(registry: OpenAPIRegistry): void {
  registry.registerComponent('securitySchemes', 'apiKey', { type: 'apiKey', in: 'header', name: 'x-api-key', description: 'project API key' });
  registry.registerComponent('securitySchemes', 'orgToken', { type: 'http', scheme: 'bearer', description: 'org admin token' });
  registry.registerComponent('securitySchemes', 'consoleSession', {
    type: 'apiKey',
    in: 'cookie',
    name: SESSION_COOKIE,
    description: `web console session (POST /console/api/session); every state change also needs the session's CSRF token in ${CSRF_HEADER}`,
  });
  registry.registerComponent('securitySchemes', 'adminToken', { type: 'http', scheme: 'bearer', description: 'ADMIN_TOKEN of this deployment' });
}

/** The dashboard surface accepts a console session wherever it accepts an org token. */
const MOUNT_OPTIONS = {
  alternatives: { orgToken: ['consoleSession'] },
  refusesStateChanges: { consoleSession: `a console session's state change without its CSRF token (${CSRF_HEADER})` },
};

/** apollo's routes and OpenAPI document, built from the route schemas alone (no server needed). */
export function apolloOpenApi(context: ApolloContext) {
  const registry = new OpenAPIRegistry();
  registerSecuritySchemes(registry);
  const router = express.Router();
  mountRoutes(router, registry, apolloRoutes(context), { ...MOUNT_OPTIONS, afterStateChange: auditStateChanges(context.db, context.logger) });
  const document = buildOpenApiDocument(registry, {
    title: 'Apollo',
    version: '1.0.0',
    description: 'Connected accounts and scoped, durable credential revocation.',
  });
  return { router, document };
}

/** Builds and starts apollo: the public HTTP API. */
export async function startApollo(env: ApolloEnv, options: { logger?: Logger } = {}): Promise<Apollo> {
  const logger = options.logger ?? createLogger({ service: 'apollo', level: env.LOG_LEVEL });
  const db = createDb({ url: env.DATABASE_URL, applicationName: 'apollo' });
  const connection = Connection.lazy({
    address: env.TEMPORAL_ADDRESS,
    ...(env.TEMPORAL_API_KEY ? { apiKey: env.TEMPORAL_API_KEY, tls: true } : env.TEMPORAL_TLS ? { tls: true } : {}),
  });
  const temporal = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE });
  const limiter = createRateLimiter(env.RATE_LIMIT_PER_MINUTE);
  const importLimiter = createRateLimiter(env.IMPORT_RATE_LIMIT_PER_MINUTE);
  const vault = Vault.fromSpec(env.VAULT_KEYS, env.VAULT_ACTIVE_KEY_ID);
  // refreshes count against the same per-provider ceilings as thermos's revocations
  const providerLimiter = createPostgresRateLimiter(db);
  // and go only where the egress policy lets thermos's calls go
  const refresher = createRefresher({
    egress: { allowedHosts: env.PROVIDER_ALLOWED_HOSTS, allowInsecureLoopback: env.PROVIDER_ALLOW_INSECURE_LOOPBACK },
    baseUrls: env.PROVIDER_BASE_URLS,
    ceilings: env.PROVIDER_RATE_LIMITS,
    rateLimiter: providerLimiter,
    timeoutMs: env.TOKEN_REFRESH_TIMEOUT_MS,
  });
  // the listen address is known once the socket is bound; nothing asks before a request arrives
  let listenUrl = '';
  const publicUrl = env.APOLLO_PUBLIC_URL?.replace(/\/+$/, '');
  const context: ApolloContext = {
    env,
    publicUrl: () => publicUrl ?? listenUrl,
    db,
    logger,
    vault,
    temporal,
    thermos: createThermosClient({ baseUrl: env.THERMOS_URL, serviceToken: env.THERMOS_SERVICE_TOKEN }),
    cursors: createCursorCodec(env.CURSOR_SECRET),
    // a vend's refresh obeys the kill switches too (re-read every 2 s): paused, it serves what it has
    lifecycle: { db, vault, refresher, logger, gate: providerGateOf(createPauseGate({ db, envPaused: env.PROVIDER_CALLS_PAUSED, logger })), timing: refreshTiming(env.TOKEN_REFRESH_TIMEOUT_MS) },
    auth: { project: apiKeyAuth(db, limiter), projectImport: apiKeyAuth(db, importLimiter), org: orgTokenAuth(db, limiter), session: consoleSessionAuth(db, limiter), admin: adminTokenAuth(env.ADMIN_TOKEN) },
  };

  const { router: api, document } = apolloOpenApi(context);
  api.use('/console', consoleSite(env.CONSOLE_DIR));

  let draining = false;
  const app = createServiceApp({
    service: 'apollo',
    title: 'Apollo',
    logger,
    routes: api,
    document: () => document,
    readiness: [
      { name: 'database', check: async () => void (await db.$queryRaw`SELECT 1`) },
      { name: 'temporal', check: async () => void (await connection.healthService.check({})) },
    ],
    isDraining: () => draining,
    bodyLimit: env.BODY_LIMIT,
    // the bulk import streams and bounds its own body (IMPORT_BODY_LIMIT)
    ownBodyPaths: [IMPORT_PATH],
    pages: connectSite(context),
    // a database that is down or restarting, or a conflict that outlasted the transaction's
    // retries, is the caller's 503 to retry, not a silent 500
    classifyError: (error) => (isConnectionError(error) || isSerializationError(error) ? new DependencyUnavailableError('database', { cause: error }) : undefined),
  });

  const server: RunningServer = await listen(app, env.APOLLO_PORT, env.APOLLO_HOST, logger);
  listenUrl = server.url;
  // revoke intents a DELETE or the sweep recorded but could not start (Temporal down, a crash)
  const reconciler = startReconciler(context, logger);
  return {
    url: server.url,
    port: server.port,
    context,
    reconciler,
    stop: async () => {
      draining = true;
      await reconciler.stop();
      await server.close();
      providerLimiter.close();
      await connection.close().catch(() => undefined);
      await db.$disconnect();
    },
  };
}
