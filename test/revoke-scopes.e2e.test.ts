/**
 * Which connections a revocation reaches, on every surface that starts one: the dashboard org
 * scope (soft-deleted levels excluded, dry run first), the platform scopes, revoke_on_delete on
 * each DELETE, the synchronous one-connection revoke, and the admin endpoints (including a
 * database outage, which must be a 503 the caller can retry, never a silent success).
 */
import { newId } from '@at/common';
import { createDb } from '@at/db';
import { createProviderServer, type ProviderServer } from '@at/devstack';
import { testEnv } from '@at/testkit';
import { providerAuthConfig, providerConnections, type ProviderConnections } from './support/provider-seed';
import { logResponses, type ResponseLog } from './support/response-log';
import { allResults, seedAuthConfig, seedConnection, seedProject, seedTenant, waitForJob, type Tenant } from './support/seed';
import { startStack, type Stack } from './support/stack';

const CLIENT = { clientId: 'scope-app', clientSecret: 'scope-app-secret-0123456789' };

type Job = { id: string; status: string; trigger: string; scope: Record<string, string>; counts: Record<string, number>; deduplicated?: boolean };
type ErrorBody = { error: { code: string; message: string; request_id: string; fields?: Array<{ path: string; message: string }> } };

let stack: Stack;
let provider: ProviderServer;
/** Answers after a delay, to keep a run in flight while a second request arrives. */
let slowProvider: ProviderServer;
let log: ResponseLog;

beforeAll(async () => {
  [stack, provider, slowProvider] = await Promise.all([
    startStack({ thermosEnv: { PROVIDER_RATE_LIMITS: JSON.stringify({ oauth2: 0 }) } }),
    createProviderServer({ clients: [CLIENT] }),
    createProviderServer({ clients: [CLIENT], faults: { latencyMs: 1500 } }),
  ]);
  log = logResponses(stack);
}, 120_000);

afterAll(async () => {
  await Promise.all([stack?.stop(), provider?.close(), slowProvider?.close()]);
});

const api = (apiKey: string) => ({ 'x-api-key': apiKey });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const admin = () => bearer(stack.env['ADMIN_TOKEN'] as string);
const counts = (partial: Record<string, number>) => ({ pending: 0, revoked: 0, already_revoked: 0, unsupported_by_provider: 0, failed: 0, cancelled: 0, ...partial });

async function connectionsOn(server: ProviderServer, apiKey: string, n: number): Promise<ProviderConnections & { authConfigId: string }> {
  const authConfigId = await providerAuthConfig(stack, apiKey, server, CLIENT);
  return { authConfigId, ...(await providerConnections(stack, server, CLIENT, authConfigId, n)) };
}

/** Status and sealed credential of each connection, to compare before and after. */
async function accountStates(ids: readonly string[]) {
  const accounts = await stack.db.db.connectedAccount.findMany({ where: { id: { in: [...ids] } }, include: { credential: true }, orderBy: { id: 'asc' } });
  return accounts.map((a) => ({ id: a.id, status: a.status, sealed: a.credential?.sealed !== null && a.credential?.sealed !== undefined, destroyed: a.credential?.destroyedAt !== null }));
}

async function expectUntouched(conns: ProviderConnections, why: string): Promise<void> {
  for (const state of await accountStates(conns.ids)) expect({ why, ...state }).toEqual({ why, id: state.id, status: 'active', sealed: true, destroyed: false });
  expect({ why, ...provider.check(conns.tokens) }).toMatchObject({ why, active: conns.tokens.length, inactive: 0 });
}

async function expectRevoked(server: ProviderServer, conns: ProviderConnections): Promise<void> {
  for (const state of await accountStates(conns.ids)) expect(state).toEqual({ id: state.id, status: 'revoked', sealed: false, destroyed: true });
  expect(server.check(conns.tokens)).toMatchObject({ active: 0, inactive: conns.tokens.length, unknown: 0 });
}

describe('the dashboard org scope excludes every soft-deleted level', () => {
  let tenant: Tenant;
  let live: ProviderConnections;
  let orphans: ProviderConnections;
  let deletedConnection: ProviderConnections;
  let deletedProject: ProviderConnections;
  const apiKeyConnections: string[] = [];
  let dryRun: { status: number; body: Record<string, unknown> };
  let jobId: string;

  beforeAll(async () => {
    tenant = await seedTenant(stack, 'org-scope');
    const p2 = await seedProject(stack, tenant.orgToken, 'doomed');
    const liveAll = await connectionsOn(provider, tenant.apiKey, 4);
    // one connection of the live auth config soft-deleted without revocation
    const deletedId = liveAll.ids[3] as string;
    expect((await stack.request('DELETE', `/api/v1/connected_accounts/${deletedId}`, { headers: api(tenant.apiKey) })).body).toMatchObject({ revocation: 'not_requested' });
    live = { ids: liveAll.ids.slice(0, 3), tokens: liveAll.tokens.slice(0, 6) };
    deletedConnection = { ids: [deletedId], tokens: liveAll.tokens.slice(6) };
    const orphaned = await connectionsOn(provider, tenant.apiKey, 2);
    expect((await stack.request('DELETE', `/api/v1/auth_configs/${orphaned.authConfigId}`, { headers: api(tenant.apiKey) })).body).toMatchObject({ revocation: 'not_requested' });
    orphans = orphaned;
    deletedProject = await connectionsOn(provider, p2.apiKey, 2);
    const deleted = await stack.request('DELETE', `/dashboard/v1/projects/${p2.projectId}`, { headers: bearer(tenant.orgToken) });
    expect(deleted).toEqual({ status: 200, body: { id: p2.projectId, deleted: true, revocation: 'not_requested' } });
    const keys = await seedAuthConfig(stack, tenant.apiKey, { toolkit: 'openai', auth_scheme: 'api_key' });
    for (let i = 0; i < 2; i += 1) apiKeyConnections.push(await seedConnection(stack, tenant.apiKey, keys, { api_key: `atlassian-key-${i}-0123456789abcdef` }, `key-user-${i}`));
  }, 60_000);

  test('a dry run counts the live connections by provider and changes nothing', async () => {
    const requestsBefore = provider.stats().revokeRequests;
    dryRun = await stack.request('POST', '/dashboard/v1/revoke_jobs', { headers: bearer(tenant.orgToken), body: { scope: { type: 'org' }, dry_run: true } });
    expect(dryRun).toEqual({ status: 200, body: { dry_run: true, scope: { type: 'org', id: tenant.orgId }, total: 5, by_provider: { oauth2: 3, openai: 2 } } });
    expect(await stack.db.db.job.count({ where: { orgId: tenant.orgId } })).toBe(0);
    const everything = [...live.ids, ...orphans.ids, ...deletedConnection.ids, ...deletedProject.ids, ...apiKeyConnections];
    expect((await accountStates(everything)).filter((s) => s.status !== 'active' || !s.sealed)).toEqual([]);
    expect(provider.stats().revokeRequests).toBe(requestsBefore);
  });

  test('the org job covers exactly the dry run: live OAuth connections revoked, API keys destroyed locally', async () => {
    const created = await stack.request<Job>('POST', '/dashboard/v1/revoke_jobs', { headers: bearer(tenant.orgToken), body: { scope: { type: 'org' } } });
    expect(created.status).toBe(202);
    expect(created.body).toMatchObject({ trigger: 'dashboard', scope: { type: 'org', id: tenant.orgId }, deduplicated: false });
    jobId = created.body.id;
    expect(jobId).toMatch(/^oj_/);
    const job = (await waitForJob(stack, `/dashboard/v1/revoke_jobs/${jobId}`, bearer(tenant.orgToken))) as Job;
    expect(job).toMatchObject({ status: 'completed', counts: counts({ total: dryRun.body['total'] as number, revoked: 3, unsupported_by_provider: 2 }) });

    const results = await allResults(stack, `/dashboard/v1/revoke_jobs/${jobId}`, bearer(tenant.orgToken));
    const byId = new Map(results.map((r) => [r['connected_account_id'] as string, r]));
    expect([...byId.keys()].sort()).toEqual([...live.ids, ...apiKeyConnections].sort());
    for (const id of live.ids) expect(byId.get(id)).toMatchObject({ outcome: 'revoked', revoked_tokens: ['access', 'refresh'] });
    for (const id of apiKeyConnections) expect(byId.get(id)).toMatchObject({ outcome: 'unsupported_by_provider', revoked_tokens: [], error_code: null });
    await expectRevoked(provider, live);
    for (const state of await accountStates(apiKeyConnections)) expect(state).toEqual({ id: state.id, status: 'revoked', sealed: false, destroyed: true });
  });

  test('orphans, the deleted project and the deleted connection are untouched', async () => {
    await expectUntouched(orphans, 'orphans under a deleted auth config');
    await expectUntouched(deletedProject, 'connections of a deleted project');
    await expectUntouched(deletedConnection, 'a deleted connection');
  });
});

describe('platform API scopes', () => {
  let tenant: Tenant;
  let x: ProviderConnections & { authConfigId: string };
  let y: ProviderConnections & { authConfigId: string };

  beforeAll(async () => {
    tenant = await seedTenant(stack, 'platform-scopes');
    x = await connectionsOn(provider, tenant.apiKey, 3);
    y = await connectionsOn(provider, tenant.apiKey, 2);
  });

  const create = (scope: Record<string, string>, apiKey = tenant.apiKey) => stack.request<Job & ErrorBody>('POST', '/api/v1/revoke_jobs', { headers: api(apiKey), body: { scope } });

  test('an auth_config job revokes that auth config only', async () => {
    const created = await create({ type: 'auth_config', id: x.authConfigId });
    expect(created.status).toBe(202);
    expect(created.body.id).toMatch(/^pj_/);
    const job = (await waitForJob(stack, `/api/v1/revoke_jobs/${created.body.id}`, api(tenant.apiKey))) as Job;
    expect(job).toMatchObject({ status: 'completed', trigger: 'api', scope: { type: 'auth_config', id: x.authConfigId }, counts: counts({ total: 3, revoked: 3 }) });
    await expectRevoked(provider, x);
    await expectUntouched(y, 'another auth config of the project');
  });

  test('a connected_account job revokes that connection only', async () => {
    const [first, second] = y.ids as [string, string];
    const created = await create({ type: 'connected_account', id: first });
    expect(created.status).toBe(202);
    const job = (await waitForJob(stack, `/api/v1/revoke_jobs/${created.body.id}`, api(tenant.apiKey))) as Job;
    expect(job).toMatchObject({ status: 'completed', scope: { type: 'connected_account', id: first }, counts: counts({ total: 1, revoked: 1 }) });
    await expectRevoked(provider, { ids: [first], tokens: y.tokens.slice(0, 2) });
    await expectUntouched({ ids: [second], tokens: y.tokens.slice(2) }, 'the other connection');
  });

  test('the org scope is dashboard-only: 400 on the platform API', async () => {
    const res = await create({ type: 'org' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'invalid_request', fields: [{ path: 'body.scope.type', message: expect.any(String) }] });
  });

  test("another project's auth config, even in the same org, is a 404", async () => {
    const sibling = await seedProject(stack, tenant.orgToken, 'sibling');
    const theirs = await seedAuthConfig(stack, sibling.apiKey, { toolkit: 'openai', auth_scheme: 'api_key' });
    const res = await create({ type: 'auth_config', id: theirs });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
    expect(await stack.db.db.job.count({ where: { projectId: tenant.projectId, metadata: { path: ['scope', 'id'], equals: theirs } } })).toBe(0);
  });
});

describe('revoke_on_delete on each DELETE', () => {
  let tenant: Tenant;
  beforeAll(async () => {
    tenant = await seedTenant(stack, 'deletes');
  });

  type Deleted = { id: string; deleted: boolean; revocation: 'not_requested' | { job_id: string } };
  const del = (path: string, headers: Record<string, string>) => stack.request<Deleted>('DELETE', path, { headers });

  async function expectDeleteJob(deleted: { status: number; body: Deleted }, jobPrefix: 'pj_' | 'oj_', jobsPath: string, headers: Record<string, string>, scope: Record<string, string>, total: number) {
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ id: scope['id'], deleted: true, revocation: { job_id: expect.stringMatching(new RegExp(`^${jobPrefix}`)) } });
    const jobId = (deleted.body.revocation as { job_id: string }).job_id;
    const job = (await waitForJob(stack, `${jobsPath}/${jobId}`, headers)) as Job;
    expect(job).toMatchObject({ id: jobId, status: 'completed', trigger: 'delete', scope, counts: counts({ total, revoked: total }) });
  }

  test('connected account: with revocation the tokens die and the account is gone; without, they stay active', async () => {
    const { ids, tokens } = await connectionsOn(provider, tenant.apiKey, 2);
    const [revokeIt, keepIt] = ids as [string, string];
    const deleted = await del(`/api/v1/connected_accounts/${revokeIt}?revoke_on_delete=true`, api(tenant.apiKey));
    await expectDeleteJob(deleted, 'pj_', '/api/v1/revoke_jobs', api(tenant.apiKey), { type: 'connected_account', id: revokeIt }, 1);
    expect(provider.check(tokens.slice(0, 2))).toMatchObject({ active: 0 });
    expect((await stack.request('GET', `/api/v1/connected_accounts/${revokeIt}`, { headers: api(tenant.apiKey) })).status).toBe(404);

    const plain = await del(`/api/v1/connected_accounts/${keepIt}`, api(tenant.apiKey));
    expect(plain).toEqual({ status: 200, body: { id: keepIt, deleted: true, revocation: 'not_requested' } });
    expect(provider.check(tokens.slice(2))).toMatchObject({ active: 2 });
    expect((await stack.request('GET', `/api/v1/connected_accounts/${keepIt}`, { headers: api(tenant.apiKey) })).status).toBe(404);
  });

  test('auth config: with revocation every connection under it dies; without, they stay active', async () => {
    const doomed = await connectionsOn(provider, tenant.apiKey, 2);
    const spared = await connectionsOn(provider, tenant.apiKey, 2);
    const deleted = await del(`/api/v1/auth_configs/${doomed.authConfigId}?revoke_on_delete=true`, api(tenant.apiKey));
    await expectDeleteJob(deleted, 'pj_', '/api/v1/revoke_jobs', api(tenant.apiKey), { type: 'auth_config', id: doomed.authConfigId }, 2);
    await expectRevoked(provider, doomed);
    expect((await stack.request('GET', `/api/v1/auth_configs/${doomed.authConfigId}`, { headers: api(tenant.apiKey) })).status).toBe(404);

    const plain = await del(`/api/v1/auth_configs/${spared.authConfigId}?revoke_on_delete=false`, api(tenant.apiKey));
    expect(plain.body).toEqual({ id: spared.authConfigId, deleted: true, revocation: 'not_requested' });
    await expectUntouched(spared, 'connections of an auth config deleted without revocation');
  });

  test('project (dashboard): the org-owned job revokes everything under it; without revocation nothing is', async () => {
    const doomedProject = await seedProject(stack, tenant.orgToken, 'doomed');
    const doomed = await connectionsOn(provider, doomedProject.apiKey, 3);
    const deleted = await del(`/dashboard/v1/projects/${doomedProject.projectId}?revoke_on_delete=true`, bearer(tenant.orgToken));
    await expectDeleteJob(deleted, 'oj_', '/dashboard/v1/revoke_jobs', bearer(tenant.orgToken), { type: 'project', id: doomedProject.projectId }, 3);
    await expectRevoked(provider, doomed);
    expect((await stack.request('GET', `/dashboard/v1/projects/${doomedProject.projectId}`, { headers: bearer(tenant.orgToken) })).status).toBe(404);
    // an org-owned job is not listed to a project's API key, even in the same org
    const jobId = (deleted.body.revocation as { job_id: string }).job_id;
    const projectJobs = await stack.request<{ items: Array<{ id: string }> }>('GET', '/api/v1/revoke_jobs', { headers: api(tenant.apiKey) });
    expect(projectJobs.body.items.map((j) => j.id)).not.toContain(jobId);
    const orgJobs = await stack.request<{ items: Array<{ id: string }> }>('GET', '/dashboard/v1/revoke_jobs', { headers: bearer(tenant.orgToken) });
    expect(orgJobs.body.items.map((j) => j.id)).toContain(jobId);

    const sparedProject = await seedProject(stack, tenant.orgToken, 'spared');
    const spared = await connectionsOn(provider, sparedProject.apiKey, 2);
    const plain = await del(`/dashboard/v1/projects/${sparedProject.projectId}`, bearer(tenant.orgToken));
    expect(plain.body).toEqual({ id: sparedProject.projectId, deleted: true, revocation: 'not_requested' });
    await expectUntouched(spared, 'connections of a project deleted without revocation');
  });
});

describe('POST /api/v1/connected_accounts/{id}/revoke (synchronous)', () => {
  let tenant: Tenant;
  let conns: ProviderConnections & { authConfigId: string };

  beforeAll(async () => {
    tenant = await seedTenant(stack, 'revoke-now');
    conns = await connectionsOn(provider, tenant.apiKey, 1);
  });

  const revokeNow = (id: string, apiKey = tenant.apiKey) => stack.request<Record<string, unknown> & ErrorBody>('POST', `/api/v1/connected_accounts/${id}/revoke`, { headers: api(apiKey) });

  test('revokes the connection at the provider and answers the outcome', async () => {
    const id = conns.ids[0] as string;
    const res = await revokeNow(id);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id, status: 'revoked', outcome: 'revoked', revoked_tokens: ['access', 'refresh'], error_code: null, error_message: null, job_id: expect.stringMatching(/^pj_/) });
    await expectRevoked(provider, conns);
  });

  test('a second call answers already_revoked without calling the provider', async () => {
    const id = conns.ids[0] as string;
    const before = provider.stats().revokeRequests;
    const res = await revokeNow(id);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id, status: 'revoked', outcome: 'already_revoked', revoked_tokens: [], error_code: null, error_message: null, job_id: null });
    expect(provider.stats().revokeRequests).toBe(before);
  });

  test('a connection whose auth config was deleted is a 409; it stays untouched', async () => {
    const orphan = await connectionsOn(provider, tenant.apiKey, 1);
    expect((await stack.request('DELETE', `/api/v1/auth_configs/${orphan.authConfigId}`, { headers: api(tenant.apiKey) })).status).toBe(200);
    const res = await revokeNow(orphan.ids[0] as string);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('not_revocable');
    await expectUntouched(orphan, 'an orphan revoked synchronously');
  });

  test("another project's connection is a 404", async () => {
    const stranger = await seedTenant(stack, 'stranger');
    const theirs = await connectionsOn(provider, stranger.apiKey, 1);
    const res = await revokeNow(theirs.ids[0] as string);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
    await expectUntouched(theirs, "another project's connection");
  });
});

describe('admin revoke_tokens', () => {
  let tenant: Tenant;
  let conns: ProviderConnections;
  const revokeTokens = (level: 'orgs' | 'projects', id: string, headers: Record<string, string> = admin()) =>
    stack.request<{ job: Job | null } & ErrorBody>('POST', `/admin/v1/${level}/${id}/revoke_tokens`, { headers });

  beforeAll(async () => {
    tenant = await seedTenant(stack, 'admin');
    conns = await connectionsOn(slowProvider, tenant.apiKey, 2);
  });

  test('a project: the first call starts a job, a call while it runs joins it, and once done it is a no-op', async () => {
    const first = await revokeTokens('projects', tenant.projectId);
    expect(first.status).toBe(202);
    expect(first.body.job).toMatchObject({ status: 'running', trigger: 'admin', deduplicated: false, scope: { type: 'project', id: tenant.projectId } });
    const jobId = first.body.job?.id as string;
    expect(jobId).toMatch(/^oj_/);
    const second = await revokeTokens('projects', tenant.projectId);
    expect(second.status).toBe(200);
    expect(second.body.job).toMatchObject({ id: jobId, status: 'running', deduplicated: true });

    const job = (await waitForJob(stack, `/dashboard/v1/revoke_jobs/${jobId}`, bearer(tenant.orgToken))) as Job;
    expect(job).toMatchObject({ status: 'completed', counts: counts({ total: 2, revoked: 2 }) });
    await expectRevoked(slowProvider, conns);

    expect(await revokeTokens('projects', tenant.projectId)).toEqual({ status: 200, body: { job: null } });
  });

  test('a malformed id is a 400 naming the field; an unknown one a 404; a wrong or missing token a 401', async () => {
    const malformed = await revokeTokens('projects', 'prj_not-an-id');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error).toMatchObject({ code: 'invalid_request', fields: [{ path: expect.stringContaining('id'), message: expect.any(String) }] });
    const wrongKind = await revokeTokens('orgs', tenant.projectId);
    expect(wrongKind.status).toBe(400);

    for (const [level, id] of [['projects', newId('prj')], ['orgs', newId('org')]] as const) {
      const unknown = await revokeTokens(level, id);
      expect({ level, status: unknown.status, code: unknown.body.error.code }).toEqual({ level, status: 404, code: 'not_found' });
    }
    for (const headers of [{}, bearer('not-the-admin-token'), bearer(tenant.orgToken)]) {
      const res = await revokeTokens('projects', tenant.projectId, headers);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('unauthenticated');
    }
  });

  test("an org that left (soft-deleted) still has its live connections revoked; its deleted project's are not", async () => {
    const gone = await seedTenant(stack, 'gone');
    const stillLive = await connectionsOn(provider, gone.apiKey, 2);
    const p2 = await seedProject(stack, gone.orgToken, 'deleted earlier');
    const underDeletedProject = await connectionsOn(provider, p2.apiKey, 1);
    expect((await stack.request('DELETE', `/dashboard/v1/projects/${p2.projectId}`, { headers: bearer(gone.orgToken) })).status).toBe(200);
    await stack.db.db.org.update({ where: { id: gone.orgId }, data: { deletedAt: new Date() } });

    const res = await revokeTokens('orgs', gone.orgId);
    expect(res.status).toBe(202);
    expect(res.body.job).toMatchObject({ trigger: 'admin', scope: { type: 'org', id: gone.orgId } });
    // the org's own token no longer authenticates: follow the run through Temporal and the database
    const job = await stack.db.db.job.findUniqueOrThrow({ where: { id: res.body.job?.id as string } });
    expect(job.ownerId).toBe(gone.orgId);
    await stack.temporal.workflow.getHandle(job.workflowId, job.runId).result();
    await expectRevoked(provider, stillLive);
    await expectUntouched(underDeletedProject, 'a deleted project of the deleted org');

    expect(await revokeTokens('orgs', gone.orgId)).toEqual({ status: 200, body: { job: null } });
  });

  test('a database that refuses connections is a 503 dependency_unavailable with Retry-After; it works again once back', async () => {
    const dbName = stack.db.name;
    // a client of the server's admin database, which stays reachable throughout
    const pg = createDb({ url: testEnv('postgresAdminUrl'), poolSize: 1 });
    let res: Awaited<ReturnType<ResponseLog['raw']>>;
    try {
      await pg.$executeRawUnsafe(`ALTER DATABASE "${dbName}" ALLOW_CONNECTIONS false`);
      await pg.$queryRaw`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ${dbName} AND pid <> pg_backend_pid()`;
      res = await log.raw('POST', `/admin/v1/projects/${tenant.projectId}/revoke_tokens`, admin());
    } finally {
      await pg.$executeRawUnsafe(`ALTER DATABASE "${dbName}" ALLOW_CONNECTIONS true`);
      await pg.$disconnect();
    }
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ error: { code: 'dependency_unavailable', message: expect.any(String), request_id: expect.any(String) } });
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);

    expect(await revokeTokens('projects', tenant.projectId)).toEqual({ status: 200, body: { job: null } });
  });
});

test('no request of this file was answered 5xx, except the deliberate database outage', () => {
  expect(log.serverErrors()).toEqual([{ method: 'POST', path: expect.stringMatching(/^\/admin\/v1\/projects\/prj_\w+\/revoke_tokens$/), status: 503 }]);
  expect(log.entries.length).toBeGreaterThan(50);
});
