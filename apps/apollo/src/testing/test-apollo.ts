import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import winston from 'winston';
import { createLogger } from '@at/common';
import type { PrismaClient } from '@at/db';
import { createTestDatabase, testEnv } from '@at/testkit';
import { startApollo, type Apollo } from '../app';
import { parseApolloEnv, type ApolloEnv } from '../env';

// Tests read arbitrary response JSON; typing every body would only restate the schemas.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export type TestResponse = { status: number; body: Json; text: string; headers: Headers };
export type TestExchange = { method: string; path: string; status: number; text: string };

export type RequestOptions = {
  headers?: Record<string, string>;
  /** Sent as JSON (content-type application/json). */
  body?: unknown;
  /** Sent verbatim (set the content-type yourself): malformed JSON, other media types. */
  rawBody?: string;
};

export type SeededOrg = { id: string; name: string; adminToken: string };
export type SeededProject = { id: string; name: string; apiKey: string; apiKeyId: string };

export type TestApollo = {
  url: string;
  env: ApolloEnv;
  apollo: Apollo;
  /** A Prisma client on the same database, for assertions and seeding below the API. */
  db: PrismaClient;
  /** Every log line apollo wrote (JSON), in order. */
  logs: string[];
  /** Every exchange made through `request`, in order (for "no secret leaks" and "never a 500" checks). */
  exchanges: TestExchange[];
  request(method: string, path: string, options?: RequestOptions): Promise<TestResponse>;
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

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
export const apiKeyHeader = (key: string) => ({ 'x-api-key': key });

/** A random string that is easy to spot in a leak check. */
export const testSecret = (label: string) => `${label}-${randomBytes(12).toString('hex')}`;

function captureLogs(lines: string[]): winston.transport {
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim() !== '') lines.push(line);
      done();
    },
  });
  return new winston.transports.Stream({ stream });
}

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
  const logs: string[] = [];
  const logger = createLogger({ service: 'apollo', level: env.LOG_LEVEL });
  logger.clear().add(captureLogs(logs));
  let apollo: Apollo;
  try {
    apollo = await startApollo(env, { logger });
  } catch (error) {
    await database.drop();
    throw error;
  }

  const exchanges: TestExchange[] = [];
  const request = async (method: string, path: string, { headers = {}, body, rawBody }: RequestOptions = {}): Promise<TestResponse> => {
    const init: RequestInit = { method: method.toUpperCase(), headers: { ...headers } };
    if (rawBody !== undefined) init.body = rawBody;
    else if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers = { 'content-type': 'application/json', ...headers };
    }
    const res = await fetch(`${apollo.url}${path}`, init);
    const text = await res.text();
    exchanges.push({ method: init.method ?? method, path, status: res.status, text });
    let parsed: unknown = text;
    if (res.headers.get('content-type')?.includes('application/json')) parsed = JSON.parse(text);
    return { status: res.status, body: parsed, text, headers: res.headers };
  };

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
