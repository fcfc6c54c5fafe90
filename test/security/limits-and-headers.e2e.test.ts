/**
 * Per-key rate limiting (429 + Retry-After, one bucket per API key / org token, nothing done
 * for a limited request) and security headers on every kind of response of both services.
 * Runs apollo with RATE_LIMIT_PER_MINUTE=60: a burst of 6, then one request a second; each
 * test spends the buckets of callers of its own, so none waits for a refill.
 */
import { changedTables, databaseState } from '../support/database-state';
import { seedProject, seedTenant, type Tenant } from '../support/seed';
import { startStack, type Stack } from '../support/stack';
import { closeRawAgent, errorShapeProblems, rawRequest, type RawRequest, type RawResponse } from './support/raw-http';

const PER_MINUTE = 60;
const BURST = PER_MINUTE / 10;

let stack: Stack;
let tenant: Tenant;
let other: { projectId: string; apiKey: string };
let writer: { projectId: string; apiKey: string };
let headersKey: string;
let secondKey: string;
let dashboard: Tenant;

beforeAll(async () => {
  stack = await startStack({ apolloEnv: { RATE_LIMIT_PER_MINUTE: String(PER_MINUTE) } });
  // the org token of `tenant` spends 4 of its 6 here; the tests use it once
  tenant = await seedTenant(stack, 'limits');
  other = await seedProject(stack, tenant.orgToken, 'other');
  writer = await seedProject(stack, tenant.orgToken, 'writer');
  const res = await stack.request('POST', `/dashboard/v1/projects/${tenant.projectId}/api_keys`, { headers: { authorization: `Bearer ${tenant.orgToken}` } });
  secondKey = res.body['api_key'] as string;
  headersKey = (await seedProject(stack, (await seedTenant(stack, 'headers')).orgToken, 'headers')).apiKey;
  dashboard = await seedTenant(stack, 'dashboard bucket');
}, 120_000);

afterAll(async () => {
  closeRawAgent();
  await stack?.stop();
});

const apollo = (request: RawRequest) => rawRequest(stack.apollo.url, request);
const thermos = (request: RawRequest) => rawRequest(stack.thermos.url ?? '', request);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Fires `n` requests at once and returns them in order. */
const burst = (n: number, request: RawRequest) => Promise.all(Array.from({ length: n }, () => apollo(request)));

describe('rate limiting', () => {
  test('past its burst an API key gets 429 with Retry-After in the error shape; other keys and the org token are unaffected; after Retry-After it works again', async () => {
    const list = { method: 'GET', path: '/api/v1/connected_accounts', headers: { 'x-api-key': tenant.apiKey } };
    const first = await burst(BURST * 3, list);
    const ok = first.filter((r) => r.status === 200);
    const limited = first.filter((r) => r.status === 429);
    expect(ok.length).toBeGreaterThanOrEqual(BURST - 1);
    expect(ok.length).toBeLessThanOrEqual(BURST + 1);
    expect(ok.length + limited.length).toBe(first.length);
    for (const res of limited) {
      expect(errorShapeProblems(res)).toEqual([]);
      expect((res.json as { error: { code: string } }).error.code).toBe('rate_limited');
      expect(res.headers['retry-after']).toMatch(/^[1-9]\d*$/);
    }
    // one bucket per key: the project's second key, another project's key and the org token still pass
    expect((await apollo({ method: 'GET', path: '/api/v1/connected_accounts', headers: { 'x-api-key': secondKey } })).status).toBe(200);
    expect((await apollo({ method: 'GET', path: '/api/v1/connected_accounts', headers: { 'x-api-key': other.apiKey } })).status).toBe(200);
    expect((await apollo({ method: 'GET', path: '/dashboard/v1/projects', headers: { authorization: `Bearer ${tenant.orgToken}` } })).status).toBe(200);

    const retryAfter = Number((limited.at(-1) as RawResponse).headers['retry-after']);
    expect(retryAfter).toBeLessThanOrEqual(Math.ceil(60 / PER_MINUTE) + 1);
    await sleep(retryAfter * 1000 + 100);
    expect((await apollo(list)).status).toBe(200);
  });

  test('a rate-limited write changes nothing', async () => {
    const before = await databaseState(stack.db.db);
    const create = { method: 'POST', path: '/api/v1/auth_configs', headers: { 'x-api-key': writer.apiKey, 'content-type': 'application/json' }, body: JSON.stringify({ toolkit: 'openai', auth_scheme: 'api_key' }) };
    const results = await burst(BURST * 3, create);
    const created = results.filter((r) => r.status === 201).length;
    expect(results.filter((r) => r.status === 429).length).toBe(results.length - created);
    expect(created).toBeLessThanOrEqual(BURST + 1);
    const after = await databaseState(stack.db.db);
    // each write that went through is in the audit log (one target each: its id); the refused ones are nowhere
    const grew = (table: string) => ({ table, before: before[table]?.rows, after: (before[table]?.rows ?? 0) + created });
    expect(changedTables(before, after)).toEqual([grew('audit_event_targets'), grew('audit_events'), grew('auth_configs')]);
  });

  test('org admin tokens have their own bucket on the dashboard surface', async () => {
    // (seeding spent one of this token's burst on its project)
    const results = await burst(BURST * 3, { method: 'GET', path: '/dashboard/v1/revoke_jobs', headers: { authorization: `Bearer ${dashboard.orgToken}` } });
    const limited = results.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(BURST * 2 - 1);
    expect(limited.every((r) => /^[1-9]\d*$/.test(String(r.headers['retry-after'])))).toBe(true);
  });
});

describe('security headers', () => {
  const expectHeaders = (res: RawResponse, what: string, docs = false) => {
    const h = res.headers;
    expect({ what, nosniff: h['x-content-type-options'], frame: h['x-frame-options'], poweredBy: h['x-powered-by'], frameAncestors: /frame-ancestors 'none'/.test(String(h['content-security-policy'])) }).toEqual({
      what,
      nosniff: 'nosniff',
      frame: 'DENY',
      poweredBy: undefined,
      frameAncestors: true,
    });
    if (!docs) expect({ what, csp: h['content-security-policy'] }).toEqual({ what, csp: "default-src 'none'; frame-ancestors 'none'" });
    expect({ what, referrer: h['referrer-policy'] }).toEqual({ what, referrer: 'no-referrer' });
  };

  test('on successes, every kind of error, the OpenAPI document, docs, health and metrics of apollo', async () => {
    const key = { 'x-api-key': headersKey };
    const json = { 'content-type': 'application/json' };
    const cases: Array<[string, RawRequest, boolean?]> = [
      ['200', { method: 'GET', path: '/api/v1/auth_configs', headers: key }],
      ['201', { method: 'POST', path: '/admin/v1/orgs', headers: { authorization: `Bearer ${stack.env['ADMIN_TOKEN'] as string}`, ...json }, body: '{"name":"headers"}' }],
      ['400', { method: 'GET', path: '/api/v1/auth_configs?limit=0', headers: key }],
      ['401', { method: 'GET', path: '/api/v1/auth_configs' }],
      ['404 route', { method: 'GET', path: '/nope' }],
      ['404 resource', { method: 'GET', path: '/api/v1/auth_configs/ac_00000000000000000000000000', headers: key }],
      ['413', { method: 'POST', path: '/api/v1/auth_configs', headers: { ...key, ...json }, body: JSON.stringify({ x: 'x'.repeat(100_000) }) }],
      ['415', { method: 'POST', path: '/api/v1/auth_configs', headers: { ...key, 'content-type': 'text/plain' }, body: 'x' }],
      ['openapi', { method: 'GET', path: '/openapi.json' }],
      ['docs', { method: 'GET', path: '/docs' }, true],
      ['livez', { method: 'GET', path: '/livez' }],
      ['readyz', { method: 'GET', path: '/readyz' }],
      ['metrics', { method: 'GET', path: '/metrics' }],
    ];
    for (const [what, request, docs] of cases) expectHeaders(await apollo(request), what, docs);
    const limited = (await burst(BURST * 3, { method: 'GET', path: '/api/v1/auth_configs', headers: { 'x-api-key': secondKey } })).find((r) => r.status === 429);
    expect(limited).toBeDefined();
    expectHeaders(limited as RawResponse, '429');
  });

  test('on the thermos run API as well', async () => {
    const token = { authorization: `Bearer ${stack.env['THERMOS_SERVICE_TOKEN'] as string}` };
    for (const [what, request] of [
      ['401', { method: 'GET', path: `/v1/workflows/revoke-project-${'0'.repeat(32)}/runs/00000000-0000-4000-8000-000000000000` }],
      ['404', { method: 'GET', path: `/v1/workflows/revoke-project-${'0'.repeat(32)}/runs/00000000-0000-4000-8000-000000000000`, headers: token }],
      ['400', { method: 'GET', path: '/v1/workflows/x/runs/y', headers: token }],
      ['openapi', { method: 'GET', path: '/openapi.json' }],
      ['livez', { method: 'GET', path: '/livez' }],
    ] as Array<[string, RawRequest]>) {
      expectHeaders(await thermos(request), `thermos ${what}`);
    }
  });
});
