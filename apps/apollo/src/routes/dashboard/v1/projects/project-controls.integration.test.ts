/**
 * The dashboard's routes acting for one of the org's projects (what the console and the CLI sign
 * in for): webhook endpoints and their delivery log, the pause state, connect links, project job
 * cancel. Each reuses the API key's use case; these tests pin what the org-admin surface adds:
 * the project in the path must be a live project of the caller's org.
 */
import { apiKeyHeader, bearer, expectAuthRequired, expectError, expectNoSecrets } from '@at/testkit';
import { startTestApollo, type SeededOrg, type SeededProject, type TestApollo } from '../../../../../test/test-apollo';

let t: TestApollo;
let org: SeededOrg;
let other: SeededOrg;
let project: SeededProject;
let foreign: SeededProject;
const secrets: string[] = [];

beforeAll(async () => {
  t = await startTestApollo();
  org = await t.seed.org('acme');
  other = await t.seed.org('globex');
  project = await t.seed.project(org.adminToken, 'main');
  foreign = await t.seed.project(other.adminToken, 'theirs');
  secrets.push(org.adminToken, other.adminToken, project.apiKey, foreign.apiKey);
});
afterAll(async () => t?.stop());

const as = (o = org) => bearer(o.adminToken);
const endpoints = (projectId = project.id) => `/dashboard/v1/projects/${projectId}/webhook_endpoints`;
const RECEIVER = 'http://127.0.0.1:9/hooks';

it('every new route needs an org token (or a console session)', async () => {
  const we = 'we_01J00000000000000000000000';
  const pj = 'pj_01J00000000000000000000000';
  await expectAuthRequired(
    t,
    [
      { method: 'GET', path: endpoints() },
      { method: 'POST', path: endpoints(), body: { url: RECEIVER, events: ['*'] } },
      { method: 'DELETE', path: `${endpoints()}/${we}` },
      { method: 'POST', path: `${endpoints()}/${we}/rotate_secret` },
      { method: 'GET', path: `${endpoints()}/${we}/deliveries` },
      { method: 'POST', path: `${endpoints()}/${we}/deliveries/wd_01J00000000000000000000000/retry` },
      { method: 'GET', path: `/dashboard/v1/projects/${project.id}/pause_state` },
      { method: 'POST', path: `/dashboard/v1/projects/${project.id}/connect_sessions`, body: {} },
      { method: 'POST', path: `/dashboard/v1/projects/${project.id}/revoke_jobs/${pj}/cancel` },
    ],
    [apiKeyHeader(project.apiKey), bearer('ato_wrong')],
  );
});

it('webhook endpoints: create shows the secret once, list and delivery log never do, rotate shows the new one, delete stops it', async () => {
  const created = await t.request('POST', endpoints(), { headers: as(), body: { url: RECEIVER, events: ['connected_account.revoked'], description: 'ops' } });
  expect(created.status).toBe(201);
  expect(created.headers.get('cache-control')).toBe('no-store');
  expect(created.body).toMatchObject({ project_id: project.id, url: RECEIVER, events: ['connected_account.revoked'], description: 'ops', secret: expect.stringMatching(/^whsec_/) });
  const id = created.body.id as string;
  secrets.push(created.body.secret as string);

  // the API key of the project sees the same endpoint: one resource, two surfaces
  const viaKey = await t.request('GET', `/api/v1/webhook_endpoints/${id}`, { headers: apiKeyHeader(project.apiKey) });
  expect(viaKey.body).toMatchObject({ id, url: RECEIVER });

  const list = await t.request('GET', endpoints(), { headers: as() });
  expect(list.status).toBe(200);
  expect(list.body.items.map((e: { id: string }) => e.id)).toEqual([id]);
  expect(list.body.items[0]).not.toHaveProperty('secret');

  const log = await t.request('GET', `${endpoints()}/${id}/deliveries?status=failed`, { headers: as() });
  expect(log.body).toEqual({ items: [], next_cursor: null });

  const rotated = await t.request('POST', `${endpoints()}/${id}/rotate_secret`, { headers: as() });
  expect(rotated.status).toBe(200);
  expect(rotated.body.secret).toMatch(/^whsec_/);
  expect(rotated.body.secret).not.toBe(created.body.secret);
  expect(rotated.body.previous_secret_expires_at).toEqual(expect.any(String));
  secrets.push(rotated.body.secret as string);

  expectError(await t.request('POST', `${endpoints()}/${id}/deliveries/wd_01J00000000000000000000000/retry`, { headers: as() }), 404, 'not_found');

  const deleted = await t.request('DELETE', `${endpoints()}/${id}`, { headers: as() });
  expect(deleted.body).toEqual({ id, deleted: true });
  expectError(await t.request('DELETE', `${endpoints()}/${id}`, { headers: as() }), 404, 'not_found');
  expect((await t.request('GET', endpoints(), { headers: as() })).body.items).toEqual([]);

  // the audit log names the dashboard actions and their targets
  const audit = await t.request('GET', `/dashboard/v1/audit_events?target=${id}`, { headers: as() });
  expect(audit.body.items.map((e: { action: string }) => e.action).sort()).toEqual(['dashboardCreateWebhookEndpoint', 'dashboardDeleteWebhookEndpoint', 'dashboardRotateWebhookEndpointSecret']);
  expectNoSecrets(
    [list.text, log.text, audit.text, ...t.logs],
    secrets.filter((s) => s.startsWith('whsec_')),
  );
});

it("another org's project, a deleted project, or another project's endpoint is a 404, and nothing is created", async () => {
  const theirs = await t.request('POST', '/api/v1/webhook_endpoints', { headers: apiKeyHeader(foreign.apiKey), body: { url: RECEIVER, events: ['*'] } });
  secrets.push(theirs.body.secret as string);
  for (const call of [
    t.request('GET', endpoints(foreign.id), { headers: as() }),
    t.request('POST', endpoints(foreign.id), { headers: as(), body: { url: RECEIVER, events: ['*'] } }),
    t.request('GET', `/dashboard/v1/projects/${foreign.id}/pause_state`, { headers: as() }),
    // the endpoint exists, but under another project than the path's
    t.request('DELETE', `${endpoints()}/${theirs.body.id}`, { headers: as() }),
    t.request('POST', `${endpoints()}/${theirs.body.id}/rotate_secret`, { headers: as() }),
    t.request('GET', `${endpoints()}/${theirs.body.id}/deliveries`, { headers: as() }),
  ]) {
    expectError(await call, 404, 'not_found');
  }
  expect(await t.db.webhookEndpoint.count({ where: { projectId: foreign.id } })).toBe(1);
  expect((await t.request('GET', `/api/v1/webhook_endpoints/${theirs.body.id}`, { headers: apiKeyHeader(foreign.apiKey) })).status).toBe(200);
  expectError(await t.request('GET', `${endpoints()}/not-an-id/deliveries`, { headers: as() }), 400, 'invalid_request');
  expectError(await t.request('POST', endpoints(), { headers: as(), body: { url: 'ftp://x', events: ['*'] } }), 400, 'invalid_request');
});

it('pause state: who paused and when, the operator winning over the project', async () => {
  const path = `/dashboard/v1/projects/${project.id}/pause_state`;
  expect((await t.request('GET', path, { headers: as() })).body).toEqual({
    operator: { paused: false, reason: null, paused_at: null, paused_by: null },
    project: { paused: false, reason: null, paused_at: null, paused_by: null },
    paused: false,
  });
  expect((await t.request('POST', `/dashboard/v1/projects/${project.id}/pause`, { headers: as(), body: { reason: 'incident 42' } })).status).toBe(200);
  const paused = (await t.request('GET', path, { headers: as() })).body;
  expect(paused.project).toEqual({ paused: true, reason: 'incident 42', paused_at: expect.any(String), paused_by: { type: 'org_admin_token', id: expect.stringMatching(/^oat_/) } });
  expect(paused.paused).toBe(true);

  await t.request('POST', '/admin/v1/pause', { headers: bearer(t.env.ADMIN_TOKEN), body: { reason: 'provider outage' } });
  const both = (await t.request('GET', path, { headers: as() })).body;
  expect(both.operator).toEqual({ paused: true, reason: 'provider outage', paused_at: expect.any(String), paused_by: { type: 'admin', id: null } });
  // the API key's view says the same
  expect((await t.request('GET', '/api/v1/pause_state', { headers: apiKeyHeader(project.apiKey) })).body).toEqual(both);

  await t.request('POST', '/admin/v1/resume', { headers: bearer(t.env.ADMIN_TOKEN) });
  await t.request('POST', `/dashboard/v1/projects/${project.id}/resume`, { headers: as(), body: {} });
  expect((await t.request('GET', path, { headers: as() })).body.paused).toBe(false);
});

it("connect links for a project's end user, as its API key would make them", async () => {
  await t.request('PATCH', `/dashboard/v1/projects/${project.id}`, { headers: as(), body: { allowed_redirect_uris: ['https://app.acme.test/done'] } });
  const config = await t.seed.authConfig(project.apiKey, { toolkit: 'openai', auth_scheme: 'api_key', client_id: undefined, client_secret: undefined });
  const path = `/dashboard/v1/projects/${project.id}/connect_sessions`;
  const res = await t.request('POST', path, { headers: as(), body: { auth_config_id: config.id, user_id: 'user-1', redirect_uri: 'https://app.acme.test/done' } });
  expect(res.status).toBe(201);
  expect(res.headers.get('cache-control')).toBe('no-store');
  expect(res.body).toEqual({ id: expect.stringMatching(/^cs_/), connect_url: expect.stringContaining('/connect/'), expires_at: expect.any(String), status: 'pending' });
  const viaKey = await t.request('GET', `/api/v1/connect_sessions/${res.body.id}`, { headers: apiKeyHeader(project.apiKey) });
  expect(viaKey.body).toMatchObject({ id: res.body.id, status: 'pending' });

  expectError(await t.request('POST', path, { headers: as(), body: { auth_config_id: config.id, user_id: 'user-1', redirect_uri: 'https://evil.test/' } }), 400, 'invalid_request');
  // another org's project: no session is made there
  expectError(await t.request('POST', `/dashboard/v1/projects/${foreign.id}/connect_sessions`, { headers: as(), body: { auth_config_id: config.id, user_id: 'u', redirect_uri: 'https://app.acme.test/done' } }), 404, 'not_found');
});

it("cancelling a project's job that does not exist, or of another org's project, is a 404", async () => {
  expectError(await t.request('POST', `/dashboard/v1/projects/${project.id}/revoke_jobs/pj_01J00000000000000000000000/cancel`, { headers: as() }), 404, 'not_found');
  expectError(await t.request('POST', `/dashboard/v1/projects/${foreign.id}/revoke_jobs/pj_01J00000000000000000000000/cancel`, { headers: as() }), 404, 'not_found');
  expectError(await t.request('POST', `/dashboard/v1/projects/${project.id}/revoke_jobs/oj_01J00000000000000000000000/cancel`, { headers: as() }), 400, 'invalid_request');
});
