/**
 * Every hostile answer the test kit's provider server can give, fed through the real revoker
 * over loopback HTTP: the revoker must return (never throw, never hang) with a result whose
 * strings Postgres accepts as text and as jsonb, and which carries no secret.
 */
import { createProviderServer, createTestDatabase, HOSTILE_SHAPES, type HostileShape, type ProviderServer, type TestDatabase } from '@at/testkit';
import { createRevoker } from './revoker';
import type { RevokeRequest, RevokeResult } from './types';

const CLIENT = { clientId: 'hostile-client', clientSecret: 'cs-SECRET-hostile' };
const ACCESS = 'at-SECRET-hostile-access';
const REFRESH = 'rt-SECRET-hostile-refresh';

type Expected = { outcome: RevokeResult['outcome']; errorCode?: string; providerWide?: boolean };

/** The one true outcome of each shape (RFC 7009 adapter: refresh token first, then access). */
const EXPECTED: Record<HostileShape, Expected> = {
  nul_in_description: { outcome: 'failed', errorCode: 'invalid_request' },
  nul_in_error_code: { outcome: 'failed', errorCode: 'http_400' },
  lone_surrogate: { outcome: 'failed', errorCode: 'invalid_request' },
  invalid_utf8: { outcome: 'failed', errorCode: 'invalid_request' },
  control_characters: { outcome: 'failed', errorCode: 'invalid_request' },
  secret_echo: { outcome: 'failed', errorCode: 'http_400' },
  huge_body: { outcome: 'failed', errorCode: 'http_400' },
  endless_body: { outcome: 'failed', errorCode: 'unexpected_response' },
  slow_body: { outcome: 'failed', errorCode: 'timeout' },
  no_answer: { outcome: 'failed', errorCode: 'timeout' },
  redirect: { outcome: 'failed', errorCode: 'provider_redirect', providerWide: true },
  redirect_permanent: { outcome: 'failed', errorCode: 'provider_redirect', providerWide: true },
  html_error_page: { outcome: 'failed', errorCode: 'http_400' },
  html_server_error: { outcome: 'failed', errorCode: 'provider_unavailable' },
  html_on_200: { outcome: 'failed', errorCode: 'unexpected_response' },
  error_on_200: { outcome: 'failed', errorCode: 'invalid_request' },
  // a 2xx is classified by the error it carries, like any other answer
  dead_token_on_200: { outcome: 'already_revoked' },
  binary_on_200: { outcome: 'failed', errorCode: 'unexpected_response' },
  gzip_bomb: { outcome: 'failed', errorCode: 'unexpected_response' },
  close_mid_body: { outcome: 'failed', errorCode: 'provider_unavailable' },
  reset: { outcome: 'failed', errorCode: 'provider_unavailable' },
  informational_only: { outcome: 'failed', errorCode: 'timeout' },
  unknown_status: { outcome: 'failed', errorCode: 'provider_bad_status' },
  not_http: { outcome: 'failed', errorCode: 'provider_protocol_error' },
  header_overflow: { outcome: 'failed', errorCode: 'provider_protocol_error' },
  retry_after_forever: { outcome: 'failed', errorCode: 'rate_limited' },
  deep_json: { outcome: 'failed', errorCode: 'http_400' },
  json_wrong_types: { outcome: 'failed', errorCode: 'http_400' },
};

// a C0 or C1 control, DEL, or a character that reorders or hides text
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsOf);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(stringsOf);
  return [];
}

let server: ProviderServer;
let t: TestDatabase;
beforeAll(async () => {
  [server, t] = await Promise.all([createProviderServer({ clients: [CLIENT] }), createTestDatabase()]);
  await t.db.$executeRawUnsafe('CREATE TABLE hostile_results (shape text PRIMARY KEY, error_code text, message text, result jsonb NOT NULL)');
});
afterAll(async () => {
  await Promise.all([server?.close(), t?.drop()]);
});

const revoker = createRevoker({
  timeoutMs: 400,
  retry: { maxAttempts: 2, maxDelayMs: 50, budgetMs: 3_000 },
  egress: { allowInsecureLoopback: true },
});
const request = (): RevokeRequest => ({
  toolkit: 'oauth2',
  authScheme: 'oauth2',
  client: { ...CLIENT, revocationEndpoint: `${server.url}/revoke` },
  credential: { type: 'oauth2', access_token: ACCESS, refresh_token: REFRESH },
});

describe.each(HOSTILE_SHAPES.map((shape) => [shape]))('a revocation endpoint answering %s', (shape) => {
  let result: RevokeResult;
  beforeAll(async () => {
    server.setFaults({ hostile: shape });
    server.resetStats();
    result = await revoker.revoke(request());
  });

  test('ends in its one true outcome, having reached the provider', () => {
    const expected = EXPECTED[shape];
    expect(result).toMatchObject({ outcome: expected.outcome, ...(expected.errorCode ? { errorCode: expected.errorCode } : {}), ...(expected.providerWide !== undefined ? { providerWide: expected.providerWide } : {}) });
    expect(server.stats().revokeRequests).toBeGreaterThan(0);
    expect(result.attempts).toBe(server.stats().revokeRequests);
  });

  test('carries only short, printable, well-formed text and no secret', () => {
    const text = JSON.stringify(result);
    expect(text).not.toContain('SECRET');
    expect(text).not.toContain(Buffer.from(`${CLIENT.clientId}:${CLIENT.clientSecret}`).toString('base64'));
    expect(text).not.toContain('169.254.169.254');
    for (const value of stringsOf(result)) {
      expect(value).not.toMatch(UNSAFE);
      expect(value).not.toMatch(LONE_SURROGATE);
      expect(value.length).toBeLessThanOrEqual(200);
    }
    if (result.outcome === 'failed') expect(result.errorCode).toMatch(/^[A-Za-z0-9_.-]{1,64}$/);
  });

  test('is storable in Postgres as text and as jsonb, and reads back unchanged', async () => {
    const code = result.outcome === 'failed' ? result.errorCode : null;
    const message = result.outcome === 'failed' ? result.errorMessage : result.outcome === 'unsupported_by_provider' ? result.reason : null;
    await t.db.$executeRaw`INSERT INTO hostile_results (shape, error_code, message, result) VALUES (${shape}, ${code}, ${message}, ${JSON.stringify(result)}::jsonb)`;
    const [row] = await t.db.$queryRaw<Array<{ error_code: string | null; message: string | null; result: unknown }>>`SELECT error_code, message, result FROM hostile_results WHERE shape = ${shape}`;
    expect(row).toEqual({ error_code: code, message, result: JSON.parse(JSON.stringify(result)) });
  });
});
