/**
 * The dashboard's project-level reads and revoke-one (what the console shows of a project), with a
 * real worker revoking at a real OAuth server: connected accounts filtered, one revoked as the
 * org, the project's own (pj_) jobs read and retried by the org admin.
 */
import { startOAuthServer, type OAuthServerHandle } from '@at/devstack';
import { oauthCredentials, seedAuthConfig, seedConnection, seedProject, seedTenant, waitForJob, type Tenant } from './support/seed';
import { startStack, type Stack } from './support/stack';

const CLIENT = { clientId: 'platform-app', clientSecret: 'platform-app-secret-0123456789' };

let stack: Stack;
let server: OAuthServerHandle;
let tenant: Tenant;
let sibling: { projectId: string; apiKey: string };
let stranger: Tenant;
let oauthConfig: string;
let keyConfig: string;
const accounts: Record<string, string> = {};

const org = () => ({ authorization: `Bearer ${tenant.orgToken}` });
const platform = (apiKey = tenant.apiKey) => ({ 'x-api-key': apiKey });
const base = () => `/dashboard/v1/projects/${tenant.projectId}`;

beforeAll(async () => {
  [stack, server] = await Promise.all([startStack(), startOAuthServer({ clients: [CLIENT] })]);
  tenant = await seedTenant(stack, 'acme');
  sibling = await seedProject(stack, tenant.orgToken, 'sibling');
  stranger = await seedTenant(stack, 'globex');
  oauthConfig = await seedAuthConfig(stack, tenant.apiKey, { toolkit: 'oauth2', auth_scheme: 'oauth2', client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret, revocation_endpoint: server.revocationEndpoint, token_endpoint: server.tokenEndpoint });
  keyConfig = await seedAuthConfig(stack, tenant.apiKey, { toolkit: 'openai', auth_scheme: 'api_key' });
  const tokens = await server.mint(CLIENT.clientId, 'end-user', 3);
  for (const [i, token] of tokens.entries()) accounts[`oauth${i}`] = await seedConnection(stack, tenant.apiKey, oauthConfig, oauthCredentials(token), `alice-${i}`);
  accounts['key'] = await seedConnection(stack, tenant.apiKey, keyConfig, { api_key: 'api-key-secret-0123456789abcdef' }, 'bob');
  const siblingConfig = await seedAuthConfig(stack, sibling.apiKey, { toolkit: 'openai', auth_scheme: 'api_key' });
  accounts['sibling'] = await seedConnection(stack, sibling.apiKey, siblingConfig, { api_key: 'sibling-key-secret-0123456789abcdef' }, 'carol');
  await stack.db.db.connectedAccount.update({ where: { id: accounts['oauth2'] as string }, data: { status: 'needs_reauth' } });
}, 120_000);

afterAll(async () => {
  await Promise.all([stack?.stop(), server?.stop()]);
});

const ids = (body: unknown) => (body as { items: Array<{ id: string }> }).items.map((item) => item.id).sort();

describe('authentication and ownership', () => {
  it('every new route answers 401 without a credential and 404 for another org', async () => {
    const routes: Array<[string, string]> = [
      ['GET', `${base()}/connected_accounts`],
      ['POST', `${base()}/connected_accounts/${accounts['key']}/revoke`],
      ['GET', `${base()}/revoke_jobs`],
      ['GET', `${base()}/revoke_jobs/pj_00000000000000000000000000`],
      ['GET', `${base()}/revoke_jobs/pj_00000000000000000000000000/results`],
      ['POST', `${base()}/revoke_jobs/pj_00000000000000000000000000/retry`],
    ];
    for (const [method, path] of routes) {
      for (const headers of [{}, platform(), { authorization: `Bearer ${tenant.apiKey}` }]) {
        const res = await stack.request(method, path, { headers });
        expect({ method, path, status: res.status, code: (res.body as { error?: { code: string } }).error?.code }).toEqual({ method, path, status: 401, code: 'unauthenticated' });
      }
      const foreign = await stack.request(method, path, { headers: { authorization: `Bearer ${stranger.orgToken}` } });
      expect({ method, path, status: foreign.status }).toEqual({ method, path, status: 404 });
    }
  });

  it('rejects malformed ids and filters with 400 naming the field', async () => {
    const cases: Array<[string, string, string]> = [
      ['GET', '/dashboard/v1/projects/nope/connected_accounts', 'path.id'],
      ['GET', `${base()}/connected_accounts?status=asleep`, 'query.status'],
      ['GET', `${base()}/connected_accounts?toolkit=${encodeURIComponent('Not A Slug')}`, 'query.toolkit'],
      ['GET', `${base()}/connected_accounts?auth_config_id=ca_00000000000000000000000000`, 'query.auth_config_id'],
      ['GET', `${base()}/connected_accounts?order=desc`, 'query.order'],
      ['POST', `${base()}/connected_accounts/ac_00000000000000000000000000/revoke`, 'path.connected_account_id'],
      ['GET', `${base()}/revoke_jobs/oj_00000000000000000000000000`, 'path.job_id'],
    ];
    for (const [method, path, field] of cases) {
      const res = await stack.request<{ error: { code: string; fields: Array<{ path: string }> } }>(method, path, { headers: org() });
      expect({ path, status: res.status, fields: res.body.error.fields.map((f) => f.path) }).toEqual({ path, status: 400, fields: expect.arrayContaining([field]) });
    }
  });
});

describe('GET /dashboard/v1/projects/{id}/connected_accounts', () => {
  it("lists the project's live connections only, never a credential", async () => {
    const res = await stack.request('GET', `${base()}/connected_accounts`, { headers: org() });
    expect(res.status).toBe(200);
    expect(ids(res.body)).toEqual([accounts['oauth0'], accounts['oauth1'], accounts['oauth2'], accounts['key']].sort());
    expect(JSON.stringify(res.body)).not.toMatch(/api-key-secret|access_token|refresh_token/);
  });

  it('filters by status, toolkit, user and auth config (alone and together)', async () => {
    const list = async (query: string) => ids((await stack.request('GET', `${base()}/connected_accounts?${query}`, { headers: org() })).body);
    expect(await list('status=needs_reauth')).toEqual([accounts['oauth2']]);
    expect(await list('toolkit=openai')).toEqual([accounts['key']]);
    expect(await list('toolkit=oauth2&status=active')).toEqual([accounts['oauth0'], accounts['oauth1']].sort());
    expect(await list('user_id=bob')).toEqual([accounts['key']]);
    expect(await list(`auth_config_id=${oauthConfig}`)).toHaveLength(3);
    expect(await list('toolkit=slack')).toEqual([]);
  });

  it('pages with a cursor bound to its filter', async () => {
    const first = await stack.request<{ items: unknown[]; next_cursor: string }>('GET', `${base()}/connected_accounts?toolkit=oauth2&limit=2`, { headers: org() });
    expect(first.body.items).toHaveLength(2);
    const next = await stack.request<{ items: unknown[]; next_cursor: null }>('GET', `${base()}/connected_accounts?toolkit=oauth2&limit=2&cursor=${encodeURIComponent(first.body.next_cursor)}`, { headers: org() });
    expect(next.body).toMatchObject({ items: [expect.anything()], next_cursor: null });
    const elsewhere = await stack.request('GET', `${base()}/connected_accounts?toolkit=openai&limit=2&cursor=${encodeURIComponent(first.body.next_cursor)}`, { headers: org() });
    expect(elsewhere.status).toBe(400);
  });
});

describe('POST /dashboard/v1/projects/{id}/connected_accounts/{connected_account_id}/revoke', () => {
  it("is a 404 for a connection of the org's other project: the path's project must hold it", async () => {
    const res = await stack.request('POST', `${base()}/connected_accounts/${accounts['sibling']}/revoke`, { headers: org() });
    expect(res.status).toBe(404);
    expect((await stack.db.db.connectedAccount.findUniqueOrThrow({ where: { id: accounts['sibling'] as string } })).status).toBe('active');
  });

  it('revokes one connection at the provider as the org (an oj_ job, trigger dashboard), then is idempotent', async () => {
    const res = await stack.request<Record<string, unknown>>('POST', `${base()}/connected_accounts/${accounts['oauth0']}/revoke`, { headers: org() });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: accounts['oauth0'], status: 'revoked', outcome: 'revoked', job_id: expect.stringMatching(/^oj_/) });
    const job = await stack.request('GET', `/dashboard/v1/revoke_jobs/${String(res.body['job_id'])}`, { headers: org() });
    expect(job.body).toMatchObject({ trigger: 'dashboard', scope: { type: 'connected_account', id: accounts['oauth0'] }, status: 'completed' });
    const again = await stack.request('POST', `${base()}/connected_accounts/${accounts['oauth0']}/revoke`, { headers: org() });
    expect(again.body).toMatchObject({ outcome: 'already_revoked', job_id: null });
    const others = await stack.db.db.connectedAccount.findMany({ where: { id: { in: [accounts['oauth1'] as string, accounts['key'] as string] } } });
    expect(others.map((o) => o.status)).toEqual(['active', 'active']);
  });
});

describe("a project's own jobs (pj_) on the dashboard", () => {
  let jobId: string;

  beforeAll(async () => {
    const created = await stack.request<{ id: string }>('POST', '/api/v1/revoke_jobs', { headers: platform(), body: { scope: { type: 'auth_config', id: keyConfig } } });
    expect(created.status).toBe(202);
    jobId = created.body.id;
    await waitForJob(stack, `/api/v1/revoke_jobs/${jobId}`, platform());
  });

  it('lists them newest first with their workflow and run ids; a sibling project sees none of them', async () => {
    const res = await stack.request<{ items: Array<Record<string, unknown>> }>('GET', `${base()}/revoke_jobs`, { headers: org() });
    expect(res.status).toBe(200);
    expect(res.body.items[0]).toMatchObject({ id: jobId, trigger: 'api', workflow_id: expect.stringMatching(/^revoke-auth_config-/), run_id: expect.any(String) });
    const theirs = await stack.request<{ items: unknown[] }>('GET', `/dashboard/v1/projects/${sibling.projectId}/revoke_jobs`, { headers: org() });
    expect(theirs.body.items).toEqual([]);
    expect((await stack.request('GET', `/dashboard/v1/projects/${sibling.projectId}/revoke_jobs/${jobId}`, { headers: org() })).status).toBe(404);
  });

  it('gets one with the same view as the platform API, and its results', async () => {
    const viaDashboard = await stack.request('GET', `${base()}/revoke_jobs/${jobId}`, { headers: org() });
    const viaApi = await stack.request('GET', `/api/v1/revoke_jobs/${jobId}`, { headers: platform() });
    expect(viaDashboard.status).toBe(200);
    expect(viaDashboard.body).toEqual(viaApi.body);
    expect(viaDashboard.body).toMatchObject({ status: 'completed', counts: { total: 1, unsupported_by_provider: 1 } });
    const results = await stack.request<{ items: Array<Record<string, unknown>> }>('GET', `${base()}/revoke_jobs/${jobId}/results?outcome=unsupported_by_provider`, { headers: org() });
    expect(results.body.items).toEqual([expect.objectContaining({ connected_account_id: accounts['key'], outcome: 'unsupported_by_provider' })]);
  });

  it('retry refuses a job with nothing failed with 422, as the platform API does', async () => {
    const res = await stack.request<{ error: { code: string } }>('POST', `${base()}/revoke_jobs/${jobId}/retry`, { headers: org() });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('nothing_to_retry');
  });
});
