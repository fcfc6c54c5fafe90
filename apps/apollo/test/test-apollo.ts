import { randomBytes } from 'node:crypto';
import type { PrismaClient } from '@at/db';
import { apiKeyHeader, bearer, capturedLogger, createTestClient, createTestDatabase, testEnv, testSecret, type Json, type TestClient, type TestResponse } from '@at/testkit';
import { startApollo, type Apollo } from '../src/app';
import { parseApolloEnv, type ApolloEnv } from '../src/env';

export type SeededOrg = { id: string; name: string; adminToken: string };
export type SeededProject = { id: string; name: string; apiKey: string; apiKeyId: string };

export type TestApollo = TestClient & {
  url: string;
  env: ApolloEnv;
  apollo: Apollo;
  /** A Prisma client on the same database, for assertions and seeding below the API. */
  db: PrismaClient;
  /** Every log line apollo wrote (JSON), in order. */
  logs: string[];
  seed: {
    org(name?: string): Promise<SeededOrg>;
    project(orgToken: string, name?: string): Promise<SeededProject>;
    /** An auth config (default: github oauth2 with a client id and a random client secret). */
    authConfig(apiKey: string, overrides?: Record<string, unknown>): Promise<Json & { id: string; client_secret_sent: string | undefined }>;
    /** A connected account (default: random test access and refresh tokens). */
    connectedAccount(apiKey: string, authConfigId: string, credentials?: Record<string, unknown>, userId?: string): Promise<Json & { id: string; credentials_sent: Record<string, unknown> }>;
  };
  stop(): Promise<void>;
};

/**
 * A real apollo on port 0 over a fresh test database, with its logs captured in memory and the
 * console kept quiet. Stop it in afterAll.
 */
export async function startTestApollo(options: { env?: Record<string, string> } = {}): Promise<TestApollo> {
  const database = await createTestDatabase();
  const env = parseApolloEnv({
    APOLLO_PORT: '0',
    DATABASE_URL: database.url,
    TEMPORAL_ADDRESS: testEnv('temporalAddress'),
    ADMIN_TOKEN: testSecret('admin'),
    CURSOR_SECRET: randomBytes(32).toString('hex'),
    THERMOS_SERVICE_TOKEN: testSecret('thermos'),
    VAULT_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    // suites send hundreds of requests with one key
    RATE_LIMIT_PER_MINUTE: '1000000',
    // the test providers listen on plain http on loopback
    PROVIDER_ALLOW_INSECURE_LOOPBACK: 'true',
    LOG_LEVEL: 'debug',
    ...options.env,
  });
  const { logger, lines: logs } = capturedLogger('apollo', env.LOG_LEVEL);
  let apollo: Apollo;
  try {
    apollo = await startApollo(env, { logger });
  } catch (error) {
    await database.drop();
    throw error;
  }

  const { exchanges, request } = createTestClient(apollo.url);

  const created = (what: string, res: TestResponse): Json => {
    if (res.status !== 201) throw new Error(`seeding ${what} failed: ${res.status} ${res.text}`);
    return res.body;
  };

  const seed: TestApollo['seed'] = {
    async org(name = 'test org') {
      const body = created('org', await request('POST', '/admin/v1/orgs', { headers: bearer(env.ADMIN_TOKEN), body: { name } }));
      return { id: body.id, name: body.name, adminToken: body.admin_token };
    },
    async project(orgToken, name = 'test project') {
      const body = created('project', await request('POST', '/dashboard/v1/projects', { headers: bearer(orgToken), body: { name } }));
      return { id: body.id, name: body.name, apiKey: body.api_key, apiKeyId: body.api_key_id };
    },
    async authConfig(apiKey, overrides = {}) {
      const payload: Record<string, unknown> = { toolkit: 'github', auth_scheme: 'oauth2', client_id: 'test-client-id', client_secret: testSecret('client-secret'), ...overrides };
      const body = created('auth config', await request('POST', '/api/v1/auth_configs', { headers: apiKeyHeader(apiKey), body: payload }));
      return { ...body, client_secret_sent: payload['client_secret'] as string | undefined };
    },
    async connectedAccount(apiKey, authConfigId, credentials = { access_token: testSecret('access'), refresh_token: testSecret('refresh') }, userId = testSecret('user')) {
      const body = created(
        'connected account',
        await request('POST', '/api/v1/connected_accounts', { headers: apiKeyHeader(apiKey), body: { auth_config_id: authConfigId, user_id: userId, credentials } }),
      );
      return { ...body, credentials_sent: credentials };
    },
  };

  return {
    url: apollo.url,
    env,
    apollo,
    db: database.db,
    logs,
    exchanges,
    request,
    seed,
    stop: async () => {
      await apollo.stop();
      await database.drop();
    },
  };
}
