/**
 * Every hostile answer the dev stack's provider server can give, fed through the real revoker
 * over loopback HTTP: the revoker must return (never throw, never hang) with a result whose
 * strings Postgres accepts as text and as jsonb, and which carries no secret.
 */
import { createProviderServer, HOSTILE_SHAPES, type ProviderServer } from '@at/devstack';
import { createTestDatabase, HOSTILE_EXPECTATIONS as EXPECTED, type TestDatabase } from '@at/testkit';
import { createRevoker } from './revoker';
import type { RevokeRequest, RevokeResult } from './types';

const CLIENT = { clientId: 'hostile-client', clientSecret: 'cs-SECRET-hostile' };
const ACCESS = 'at-SECRET-hostile-access';
const REFRESH = 'rt-SECRET-hostile-refresh';

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
  // long enough for a loaded machine to answer the quick shapes
  timeoutMs: 2_000,
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
