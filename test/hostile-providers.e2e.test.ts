/**
 * Hostile providers, end to end: for every hostile answer the dev stack's provider server can
 * give, a project whose RFC 7009 auth config points at a server answering only that, and a
 * project revoke job through apollo, Temporal and thermos. Every job must end (completed or
 * failed) within a bound, with one true outcome per connection, no connection left `revoking`,
 * and no secret in what the API returns.
 */
import { createProviderServer, HOSTILE_SHAPES, type HostileShape, type ProviderServer } from '@at/devstack';
import { HOSTILE_EXPECTATIONS } from '@at/testkit';
import { providerAuthConfig, providerConnections } from './support/provider-seed';
import { allResults, seedProject, seedTenant, waitForJob } from './support/seed';
import { startStack, type Stack } from './support/stack';

const CLIENT = { clientId: 'hostile-app', clientSecret: 'hostile-app-SECRET-0123456789' };
const CONNECTIONS = 3;
// every job ends well inside this, however its provider behaves
const JOB_BOUND_MS = 90_000;

type Case = { shape: HostileShape; server: ProviderServer; apiKey: string; ids: string[]; tokens: string[]; job: Record<string, unknown>; results: Array<Record<string, unknown>> };

let stack: Stack;
const cases: Case[] = [];

beforeAll(async () => {
  stack = await startStack({
    thermosEnv: {
      // long enough for a loaded machine to answer the quick shapes: 28 servers share this process
      PROVIDER_TIMEOUT_MS: '5000',
      PROVIDER_MAX_ATTEMPTS: '2',
      PROVIDER_RETRY_BUDGET_MS: '4000',
      // the generic ceiling would only pace the calls
      PROVIDER_RATE_LIMITS: JSON.stringify({ oauth2: 0 }),
    },
  });
  const tenant = await seedTenant(stack, 'hostile providers');
  const servers = await Promise.all(HOSTILE_SHAPES.map(() => createProviderServer({ clients: [CLIENT] })));
  for (const [i, shape] of HOSTILE_SHAPES.entries()) {
    const server = servers[i] as ProviderServer;
    server.setFaults({ hostile: shape });
    const { apiKey } = await seedProject(stack, tenant.orgToken, shape);
    const authConfig = await providerAuthConfig(stack, apiKey, server, CLIENT);
    const { ids, tokens } = await providerConnections(stack, server, CLIENT, authConfig, CONNECTIONS);
    cases.push({ shape, server, apiKey, ids, tokens, job: {}, results: [] });
  }
  // every job at once: one hostile provider must not hold up the others
  const created = await Promise.all(cases.map((c) => stack.request('POST', '/api/v1/revoke_jobs', { headers: { 'x-api-key': c.apiKey }, body: { scope: { type: 'project' } } })));
  await Promise.all(
    cases.map(async (c, i) => {
      const path = `/api/v1/revoke_jobs/${created[i]?.body['id'] as string}`;
      c.job = await waitForJob(stack, path, { 'x-api-key': c.apiKey }, JOB_BOUND_MS);
      c.results = await allResults(stack, path, { 'x-api-key': c.apiKey });
    }),
  );
}, 300_000);

afterAll(async () => {
  await Promise.all([stack?.stop(), ...cases.map((c) => c.server.close())]);
});

test(`the suite covers at least 15 hostile shapes (${HOSTILE_SHAPES.length})`, () => {
  expect(cases.length).toBeGreaterThanOrEqual(15);
});

describe.each(HOSTILE_SHAPES.map((shape) => [shape]))('a provider answering %s', (shape) => {
  const get = () => cases.find((c) => c.shape === shape) as Case;

  test('the job ends (completed or failed) with nothing pending', () => {
    const { job } = get();
    expect(['completed', 'failed']).toContain(job['status']);
    expect(job['counts']).toMatchObject({ total: CONNECTIONS, pending: 0 });
  });

  test('each connection has exactly one result, and it is the true one', () => {
    const { results, ids } = get();
    expect(results).toHaveLength(CONNECTIONS);
    expect(new Set(results.map((r) => r['connected_account_id']))).toEqual(new Set(ids));
    const expected = HOSTILE_EXPECTATIONS[shape];
    for (const result of results) {
      expect(result).toMatchObject({ outcome: expected.outcome, ...(expected.errorCode ? { error_code: expected.errorCode } : {}) });
    }
  });

  test('a failed connection keeps its credential and is not marked revoked; a dead one has it destroyed', async () => {
    const { ids } = get();
    const accounts = await stack.db.db.connectedAccount.findMany({ where: { id: { in: ids } }, include: { credential: true } });
    expect(accounts).toHaveLength(CONNECTIONS);
    for (const account of accounts) {
      if (HOSTILE_EXPECTATIONS[shape].outcome === 'failed') {
        expect(account.status).not.toBe('revoked');
        expect(account.credential?.sealed).not.toBeNull();
      } else {
        expect(account.status).toBe('revoked');
        expect(account.credential?.sealed).toBeNull();
      }
    }
  });

  test('no connection is left revoking', async () => {
    const { ids } = get();
    const accounts = await stack.db.db.connectedAccount.findMany({ where: { id: { in: ids } } });
    for (const account of accounts) expect(account.status).not.toBe('revoking');
  });

  test('no token or client secret appears in the job or its results', () => {
    const { job, results, tokens } = get();
    const text = JSON.stringify([job, results]);
    for (const secret of [...tokens, CLIENT.clientSecret]) expect(text).not.toContain(secret);
    expect(text).not.toContain('169.254.169.254');
  });
});

test('no token or client secret in any log line of apollo or thermos', () => {
  const logs = [...stack.logs.apollo, ...stack.logs.thermos].join('\n');
  for (const secret of [...cases.flatMap((c) => c.tokens), CLIENT.clientSecret]) expect(logs).not.toContain(secret);
});
