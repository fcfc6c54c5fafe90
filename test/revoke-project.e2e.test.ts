/**
 * A project-scope revoke job, end to end: public API → Temporal → thermos worker → real OAuth
 * authorization servers (oidc-provider) on loopback, checked through their own introspection.
 */
import { startOAuthServer, type MintedToken, type OAuthServerHandle } from '@at/devstack';
import { allResults, oauthCredentials, seedAuthConfig, seedConnection, seedProject, seedTenant, waitForJob, type Tenant } from './support/seed';
import { startStack, type Stack } from './support/stack';

const CLIENT = { clientId: 'platform-app', clientSecret: 'platform-app-secret-0123456789' };

let stack: Stack;
let serverA: OAuthServerHandle;
let serverB: OAuthServerHandle;
let tenant: Tenant;
let other: { projectId: string; apiKey: string };
const inScope: Array<{ server: OAuthServerHandle; token: MintedToken; id: string }> = [];
const outOfScope: Array<{ server: OAuthServerHandle; token: MintedToken; why: string }> = [];
const apiKeys: string[] = [];
let jobId: string;
let createResponses: Array<{ status: number; body: Record<string, unknown> }>;

beforeAll(async () => {
  [stack, serverA, serverB] = await Promise.all([startStack(), startOAuthServer({ clients: [CLIENT] }), startOAuthServer({ clients: [CLIENT] })]);
  tenant = await seedTenant(stack, 'acme');
  other = await seedProject(stack, tenant.orgToken, 'other project');
  const authConfig = (server: OAuthServerHandle, apiKey: string) =>
    seedAuthConfig(stack, apiKey, { toolkit: 'oauth2', auth_scheme: 'oauth2', client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret, revocation_endpoint: server.revocationEndpoint, token_endpoint: server.tokenEndpoint });
  const acA = await authConfig(serverA, tenant.apiKey);
  const acB = await authConfig(serverB, tenant.apiKey);
  for (const [server, ac] of [[serverA, acA], [serverB, acB]] as const) {
    for (const [i, token] of (await server.mint(CLIENT.clientId, 'end-user', 4)).entries()) {
      inScope.push({ server, token, id: await seedConnection(stack, tenant.apiKey, ac, oauthCredentials(token), `user-${i}`) });
    }
  }
  // an API-key connection: nothing to call upstream, destroyed locally
  const acKeys = await seedAuthConfig(stack, tenant.apiKey, { toolkit: 'openai', auth_scheme: 'api_key' });
  for (let i = 0; i < 2; i += 1) {
    const key = `api-key-secret-${i}-0123456789abcdef`;
    apiKeys.push(key);
    await seedConnection(stack, tenant.apiKey, acKeys, { api_key: key }, `key-user-${i}`);
  }
  // soft-deleted before the job: must stay untouched
  const [deletedToken] = await serverA.mint(CLIENT.clientId, 'deleted-user', 1);
  const deletedId = await seedConnection(stack, tenant.apiKey, acA, oauthCredentials(deletedToken!), 'deleted-user');
  expect((await stack.request('DELETE', `/api/v1/connected_accounts/${deletedId}`, { headers: { 'x-api-key': tenant.apiKey } })).status).toBe(200);
  outOfScope.push({ server: serverA, token: deletedToken!, why: 'soft-deleted before the job' });
  // another project of the same org, same provider and client
  const acOther = await authConfig(serverA, other.apiKey);
  for (const token of await serverA.mint(CLIENT.clientId, 'other-user', 3)) {
    await seedConnection(stack, other.apiKey, acOther, oauthCredentials(token));
    outOfScope.push({ server: serverA, token, why: 'another project' });
  }

  createResponses = await Promise.all(
    Array.from({ length: 5 }, () => stack.request('POST', '/api/v1/revoke_jobs', { headers: { 'x-api-key': tenant.apiKey }, body: { scope: { type: 'project' } } })),
  );
  jobId = createResponses.find((r) => r.status === 202)?.body['id'] as string;
}, 180_000);

afterAll(async () => {
  await Promise.all([stack?.stop(), serverA?.stop(), serverB?.stop()]);
});

const headers = () => ({ 'x-api-key': tenant.apiKey });

test('concurrent creates on one scope share one run: one 202, the rest 200 deduplicated with the same job', () => {
  expect(createResponses.filter((r) => r.status === 202)).toHaveLength(1);
  for (const response of createResponses) {
    expect([200, 202]).toContain(response.status);
    expect(response.body['id']).toBe(jobId);
    expect(response.body['deduplicated']).toBe(response.status === 200);
    expect(response.body).toMatchObject({ status: 'running', trigger: 'api', scope: { type: 'project', id: tenant.projectId } });
  }
  expect(jobId).toMatch(/^pj_/);
});

test('the job completes with every live connection in scope accounted for', async () => {
  const job = await waitForJob(stack, `/api/v1/revoke_jobs/${jobId}`, headers());
  expect(job).toMatchObject({
    id: jobId,
    status: 'completed',
    counts: { total: 10, pending: 0, revoked: 8, already_revoked: 0, unsupported_by_provider: 2, failed: 0 },
    retry_of: null,
  });
  expect(job['finished_at']).toEqual(expect.any(String));
});

test('the providers report every token in scope inactive, and everything else still active', async () => {
  for (const { server, token } of inScope) {
    expect((await server.introspect(CLIENT.clientId, CLIENT.clientSecret, token.accessToken)).active).toBe(false);
    expect((await server.introspect(CLIENT.clientId, CLIENT.clientSecret, token.refreshToken)).active).toBe(false);
  }
  for (const { server, token, why } of outOfScope) {
    const active = (await server.introspect(CLIENT.clientId, CLIENT.clientSecret, token.accessToken)).active;
    expect({ why, active }).toEqual({ why, active: true });
  }
});

test('results list each connection exactly once, with outcome and revoked tokens', async () => {
  const results = await allResults(stack, `/api/v1/revoke_jobs/${jobId}`, headers());
  expect(results).toHaveLength(10);
  expect(new Set(results.map((r) => r['connected_account_id'])).size).toBe(10);
  for (const { id } of inScope) {
    expect(results.find((r) => r['connected_account_id'] === id)).toMatchObject({ outcome: 'revoked', revoked_tokens: expect.arrayContaining(['refresh', 'access']), error_code: null });
  }
  expect(results.filter((r) => r['outcome'] === 'unsupported_by_provider')).toHaveLength(2);
  const unsupported = await allResults(stack, `/api/v1/revoke_jobs/${jobId}`, headers(), 'unsupported_by_provider');
  expect(unsupported).toHaveLength(2);
});

test('revoked connections are marked revoked and their sealed credentials destroyed', async () => {
  const ids = inScope.map((c) => c.id);
  const accounts = await stack.db.db.connectedAccount.findMany({ where: { id: { in: ids } }, include: { credential: true } });
  for (const account of accounts) {
    expect(account.status).toBe('revoked');
    expect(account.revokedAt).not.toBeNull();
    expect(account.credential?.sealed).toBeNull();
    expect(account.credential?.destroyedAt).not.toBeNull();
  }
  const res = await stack.request<Record<string, unknown>>('GET', `/api/v1/connected_accounts/${ids[0]}`, { headers: headers() });
  expect(res.body['status']).toBe('revoked');
});

test('no token or secret in the workflow history, the responses or the logs', async () => {
  const job = await stack.db.db.job.findUniqueOrThrow({ where: { id: jobId } });
  const history = await stack.temporal.workflow.getHandle(job.workflowId, job.runId).fetchHistory();
  const secrets = [...inScope.flatMap(({ token }) => [token.accessToken, token.refreshToken]), CLIENT.clientSecret, ...apiKeys];
  const everything = [
    JSON.stringify(history),
    JSON.stringify(createResponses),
    JSON.stringify(await allResults(stack, `/api/v1/revoke_jobs/${jobId}`, headers())),
    stack.logs.apollo.join('\n'),
    stack.logs.thermos.join('\n'),
  ].join('\n');
  expect(history.events?.length).toBeGreaterThan(5);
  for (const secret of secrets) expect(everything).not.toContain(secret);
});

test('the run is findable in Temporal by its search attributes', async () => {
  const job = await stack.db.db.job.findUniqueOrThrow({ where: { id: jobId } });
  let found: string[] = [];
  // visibility is eventually consistent, and slow on a loaded machine
  for (let i = 0; i < 240 && found.length === 0; i += 1) {
    found = [];
    for await (const execution of stack.temporal.workflow.list({ query: `AtJobId = "${jobId}" AND AtProjectId = "${tenant.projectId}" AND AtScopeKind = "project" AND AtTrigger = "api"` })) {
      found.push(execution.workflowId);
    }
    if (found.length === 0) await new Promise((resolve) => setTimeout(resolve, 250));
  }
  expect(found).toContain(job.workflowId);
});

test('after the run closed, a new create on the same scope starts a new run', async () => {
  const again = await stack.request<Record<string, unknown>>('POST', '/api/v1/revoke_jobs', { headers: headers(), body: { scope: { type: 'project' } } });
  expect(again.status).toBe(202);
  expect(again.body['id']).not.toBe(jobId);
  const job = await waitForJob(stack, `/api/v1/revoke_jobs/${again.body['id'] as string}`, headers());
  // nothing live is left in the project
  expect(job['counts']).toMatchObject({ total: 0 });
});

test("another tenant's job is a 404, on every job endpoint", async () => {
  const stranger = await seedTenant(stack, 'stranger');
  for (const path of [`/api/v1/revoke_jobs/${jobId}`, `/api/v1/revoke_jobs/${jobId}/results`]) {
    const res = await stack.request<{ error: { code: string } }>('GET', path, { headers: { 'x-api-key': stranger.apiKey } });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  }
  expect((await stack.request('POST', `/api/v1/revoke_jobs/${jobId}/retry`, { headers: { 'x-api-key': stranger.apiKey } })).status).toBe(404);
  // the same org's other project is another tenant for pj_ jobs
  expect((await stack.request('GET', `/api/v1/revoke_jobs/${jobId}`, { headers: { 'x-api-key': other.apiKey } })).status).toBe(404);
  const list = await stack.request<{ items: Array<{ id: string }> }>('GET', '/api/v1/revoke_jobs', { headers: { 'x-api-key': stranger.apiKey } });
  expect(list.body.items).toEqual([]);
});

test('retrying a job with nothing failed is a clear 422', async () => {
  const res = await stack.request<{ error: { code: string } }>('POST', `/api/v1/revoke_jobs/${jobId}/retry`, { headers: headers() });
  expect(res.status).toBe(422);
  expect(res.body.error.code).toBe('nothing_to_retry');
});
