/**
 * Property-based fuzzing of every endpoint of both OpenAPI documents (apollo's public API and
 * thermos's run API), as served by the running services. Each case is generated from or around
 * the operation's schemas and sent with a valid, another tenant's or an invalid credential.
 *
 * For every case: no 5xx; a status of the right class (401 for a bad credential, 400 for a
 * schema violation), documented for the operation; errors in the one documented shape;
 * successful bodies conform to the documented response schema; no known secret in any
 * response; and a rejected request (or any GET) leaves every table exactly as it was. Besides
 * schema-shaped values, every string, number and date-time field gets edge cases: lone
 * surrogates, direction marks and astral text at the length limit, date-times outside the
 * documented range or RFC 3339, integer spellings Number() would accept, and JSON text
 * JSON.stringify never writes (1e309, -0, huge integers, deep nesting, duplicate keys).
 *
 * FUZZ_RUNS (cases per endpoint, default 40), FUZZ_SEED and FUZZ_REPORT (a file to write the
 * per-endpoint figures to) tune a run; a failure prints the seed and the case to replay.
 */
import { writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { changedTables, databaseState, type DatabaseState } from '../support/database-state';
import { startStack, type Stack } from '../support/stack';
import { CaseGenerator, queryString, toJsonText, type FuzzCase } from './support/cases';
import { seedSecurityFixture, type Credential, type SecurityFixture } from './support/fixture';
import { conformance, endpointsOf, type Endpoint, type OpenApiDocument } from './support/openapi';
import { waitForQuiet } from './support/quiet';
import { closeRawAgent, errorShapeProblems, rawRequest } from './support/raw-http';

const RUNS = Number(process.env['FUZZ_RUNS'] ?? 40);
const SEED = Number(process.env['FUZZ_SEED'] ?? 20_251_125);
const APOLLO_BODY_LIMIT = 64 * 1024;
const THERMOS_BODY_LIMIT = 16 * 1024;

type Tally = { cases: number; conforming: number; mutated: number; badCredential: number; statuses: Record<string, number> };

let stack: Stack;
let fixture: SecurityFixture;
let state: DatabaseState;
const tallies: Record<string, Tally> = {};

beforeAll(async () => {
  // PROVIDER_RATE_LIMITS: the generic ceiling would pace the fuzzed revocations for nothing
  stack = await startStack({ thermosEnv: { PROVIDER_RATE_LIMITS: JSON.stringify({ oauth2: 0 }) } });
  fixture = await seedSecurityFixture(stack);
  await waitForQuiet(stack.db.db);
  state = await databaseState(stack.db.db);
}, 180_000);

afterAll(async () => {
  const report = process.env['FUZZ_REPORT'];
  if (report) writeFileSync(report, JSON.stringify({ runs: RUNS, seed: SEED, tallies }, null, 2));
  closeRawAgent();
  await fixture?.provider.close();
  await stack?.stop();
});

type Surface = { name: string; baseUrl: () => string; bodyLimit: number };

/** Endpoints that take no credential by design: the console's sign-in exchanges a token in its body. */
const PUBLIC_ENDPOINTS = new Set(['POST /console/api/session']);

/**
 * Endpoints that read and bound their own body after authentication (the bulk import, up to
 * IMPORT_BODY_LIMIT, default 16 MB): a bad credential is a 401 whatever the body, and an item
 * that does not validate is answered in a 200 naming it (the other items still go in), or the
 * whole body in a 400 when it is not an array of at most 1,000.
 */
const OWN_BODY_ENDPOINTS = new Map([['POST /api/v1/connected_accounts/import', 16 * 1024 * 1024]]);

const isBadCredential = (fixture: SecurityFixture, credential: Credential) => Object.values(fixture.credentials).some((c) => c.invalid.includes(credential));

function expectedStatuses(endpoint: Endpoint, c: FuzzCase, badCredential: boolean, body: string | undefined, limit: number): number[] {
  const ownLimit = OWN_BODY_ENDPOINTS.get(`${endpoint.method} ${endpoint.template}`);
  if (ownLimit !== undefined) {
    if (badCredential) return [401];
    if (body !== undefined && Buffer.byteLength(body) > ownLimit) return [413];
    if (c.mutation?.kind === 'body') return [200, 400];
  }
  if (body !== undefined && Buffer.byteLength(body) > limit) return [413];
  // the JSON parser runs before authentication: a scalar body is invalid JSON for it (strict mode)
  if (body !== undefined && (c.body === null || typeof c.body !== 'object')) return [400];
  if (badCredential) return [401];
  if (c.mutation?.kind === 'path') return [400, 404];
  if (c.mutation) return [400];
  return [...new Set([...endpoint.documented.filter((s) => s < 500), 400, 404, 409, 422])].sort();
}

async function check(surface: Surface, doc: OpenApiDocument, endpoint: Endpoint, c: FuzzCase, credential: Credential): Promise<void> {
  const body = c.body === undefined ? undefined : toJsonText(c.body);
  const badCredential = isBadCredential(fixture, credential);
  const res = await rawRequest(surface.baseUrl(), {
    method: endpoint.method,
    path: `${c.path}${queryString(c.query)}`,
    headers: { ...credential.headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body }),
  });

  if (res.status < 300) await credential.afterSuccess?.(endpoint.method);
  const tally = (tallies[`${surface.name} ${endpoint.method} ${endpoint.template}`] ??= { cases: 0, conforming: 0, mutated: 0, badCredential: 0, statuses: {} });
  tally.cases += 1;
  if (badCredential) tally.badCredential += 1;
  else if (c.mutation) tally.mutated += 1;
  else tally.conforming += 1;
  tally.statuses[res.status] = (tally.statuses[res.status] ?? 0) + 1;

  const problems: string[] = [];
  const expected = expectedStatuses(endpoint, c, badCredential, body, surface.bodyLimit);
  if (!expected.includes(res.status)) problems.push(`status ${res.status}, expected ${expected.join('|')}`);
  // clients are generated from the document: every status they can meet must be in it
  if (!endpoint.documented.includes(res.status)) problems.push(`status ${res.status} is not documented for this operation (${endpoint.documented.join(', ')})`);
  if (res.status >= 400) {
    problems.push(...errorShapeProblems(res));
    if (res.status === 401 && (res.json as { error?: { code?: string } } | undefined)?.error?.code !== 'unauthenticated') problems.push('401 without code unauthenticated');
  } else {
    const schema = endpoint.operation.responses[String(res.status)]?.content?.['application/json']?.schema;
    if (!schema) problems.push(`undocumented success status ${res.status}`);
    else problems.push(...conformance(doc, schema, res.json).slice(0, 5));
  }
  const leaked = fixture.secrets.filter((secret) => res.text.includes(secret));
  if (leaked.length) problems.push(`response contains ${leaked.length} known secret(s)`);

  if (res.status >= 400 || endpoint.method === 'GET') {
    const after = await databaseState(stack.db.db);
    const changed = changedTables(state, after);
    if (changed.length) problems.push(`a ${res.status >= 400 ? 'rejected request' : 'GET'} changed ${JSON.stringify(changed)}`);
    state = after;
  } else {
    // accepted writes may start runs: let them finish so the next comparison is exact
    await waitForQuiet(stack.db.db);
    state = await databaseState(stack.db.db);
  }
  if (problems.length > 0) {
    throw new Error(
      JSON.stringify({ problems, request: { method: endpoint.method, path: `${c.path}${queryString(c.query)}`, credential: credential.label, mutation: c.mutation, body: body?.slice(0, 400) }, status: res.status, response: res.text.slice(0, 400) }, null, 1),
    );
  }
}

async function fuzzDocument(surface: Surface): Promise<{ endpoints: Endpoint[]; failures: string[] }> {
  const served = await rawRequest(surface.baseUrl(), { method: 'GET', path: '/openapi.json' });
  expect(served.status).toBe(200);
  const doc = served.json as OpenApiDocument;
  // deletions last: run first, they would delete the fixtures the other endpoints' cases name
  const endpoints = endpointsOf(doc).sort((x, y) => Number(x.method === 'DELETE') - Number(y.method === 'DELETE'));
  const generator = new CaseGenerator(doc, fixture.dictionary);
  const failures: string[] = [];
  for (const endpoint of endpoints) {
    // an endpoint without a scheme must be one meant to be public (signing in)
    const scheme = endpoint.security ?? (PUBLIC_ENDPOINTS.has(`${endpoint.method} ${endpoint.template}`) ? 'public' : undefined);
    const credentials = scheme === undefined ? undefined : fixture.credentials[scheme];
    if (!credentials) {
      failures.push(`${endpoint.method} ${endpoint.template}: no security scheme (or an unknown one: ${String(endpoint.security)})`);
      continue;
    }
    const credential = fc.oneof(
      { arbitrary: fc.constant(credentials.valid), weight: 6 },
      ...(credentials.stranger ? [{ arbitrary: fc.constant(credentials.stranger), weight: 1 }] : []),
      ...(credentials.invalid.length > 0 ? [{ arbitrary: fc.constantFrom(...credentials.invalid), weight: 2 }] : []),
    );
    try {
      await fc.assert(
        fc.asyncProperty(generator.cases(endpoint), credential, (c, cred) => check(surface, doc, endpoint, c, cred)),
        { numRuns: RUNS, seed: SEED, endOnFailure: true },
      );
    } catch (error) {
      // fast-check keeps the property's own error as the cause
      const cause = error instanceof Error && error.cause instanceof Error ? `\n${error.cause.message}` : '';
      failures.push(`${endpoint.method} ${endpoint.template}: ${error instanceof Error ? error.message.split('\nHint:')[0] : String(error)}${cause}`.slice(0, 4000));
    }
  }
  return { endpoints, failures };
}

test("apollo: every endpoint of its OpenAPI document withstands generated hostile requests", async () => {
  const { endpoints, failures } = await fuzzDocument({ name: 'apollo', baseUrl: () => stack.apollo.url, bodyLimit: APOLLO_BODY_LIMIT });
  expect(endpoints.length).toBeGreaterThanOrEqual(29);
  expect(failures).toEqual([]);
}, 600_000);

test("thermos: every endpoint of the run API's OpenAPI document withstands generated hostile requests", async () => {
  const { endpoints, failures } = await fuzzDocument({ name: 'thermos', baseUrl: () => stack.thermos.url ?? '', bodyLimit: THERMOS_BODY_LIMIT });
  expect(endpoints.length).toBeGreaterThanOrEqual(2);
  expect(failures).toEqual([]);
}, 300_000);

test('the fuzzed requests reached the handlers: successes and every kind of rejection on every endpoint', () => {
  const all = Object.values(tallies);
  const statuses = all.flatMap((t) => Object.keys(t.statuses).map(Number));
  for (const status of [200, 201, 400, 401, 404]) expect(statuses).toContain(status);
  for (const [name, t] of Object.entries(tallies)) {
    expect({ name, cases: t.cases }).toEqual({ name, cases: RUNS });
  }
});
