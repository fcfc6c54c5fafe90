/**
 * The audit log through the public API: every state change on every surface is recorded with
 * its actor, action, targets, surface and request id, filterable, never with a secret; reads and
 * refused requests are not changes; the table only grows (the database refuses anything else).
 */
import { seedAuthConfig, seedConnection, seedTenant, type Tenant } from './support/seed';
import { startStack, type Stack } from './support/stack';

let stack: Stack;
let tenant: Tenant;
let other: Tenant;
let connectionId: string;
let endpointSecret: string;
const api = () => ({ 'x-api-key': tenant.apiKey });
const org = () => ({ authorization: `Bearer ${tenant.orgToken}` });

type Audit = { id: string; actor: { type: string; id: string | null }; action: string; targets: string[]; surface: string; request_id: string | null; project_id: string | null; created_at: string };
const list = async (path: string, headers: Record<string, string>) => {
  const res = await stack.request<{ items: Audit[]; next_cursor: string | null }>('GET', path, { headers });
  expect(res.status).toBe(200);
  return res.body;
};

beforeAll(async () => {
  stack = await startStack();
  tenant = await seedTenant(stack, 'audited');
  other = await seedTenant(stack, 'elsewhere');
  const ac = await seedAuthConfig(stack, tenant.apiKey, { toolkit: 'openai', auth_scheme: 'api_key' });
  connectionId = await seedConnection(stack, tenant.apiKey, ac, { api_key: 'api-key-secret-audited-0123456789' }, 'u1');
  const hook = await stack.request('POST', '/api/v1/webhook_endpoints', { headers: api(), body: { url: 'http://127.0.0.1:9/hooks', events: ['*'] } });
  endpointSecret = hook.body['secret'] as string;
  expect((await stack.request('DELETE', `/api/v1/connected_accounts/${connectionId}`, { headers: api() })).status).toBe(200);
  expect((await stack.request('POST', `/dashboard/v1/projects/${tenant.projectId}/pause`, { headers: org(), body: { reason: 'audit me' } })).status).toBe(200);
  expect((await stack.request('POST', '/admin/v1/pause', { headers: { authorization: `Bearer ${stack.env['ADMIN_TOKEN']}` }, body: { reason: 'operator audit' } })).status).toBe(200);
  // not changes: a read, and a refused request
  await stack.request('GET', `/api/v1/connected_accounts/${connectionId}`, { headers: api() });
  expect((await stack.request('DELETE', `/api/v1/connected_accounts/${connectionId}`, { headers: api() })).status).toBe(404);
}, 120_000);
afterAll(async () => stack?.stop());

test('the audit log needs credentials and shows a caller only its own project or org', async () => {
  expect((await stack.request('GET', '/api/v1/audit_events')).status).toBe(401);
  expect((await stack.request('GET', '/dashboard/v1/audit_events')).status).toBe(401);
  const theirs = await list('/api/v1/audit_events', { 'x-api-key': other.apiKey });
  expect(theirs.items.every((e) => !e.targets.includes(connectionId))).toBe(true);
  const theirOrg = await list('/dashboard/v1/audit_events', { authorization: `Bearer ${other.orgToken}` });
  expect(theirOrg.items.some((e) => e.targets.includes(tenant.projectId))).toBe(false);
});

test('every state change of the project is recorded, newest first, with actor, action, targets, surface and request id', async () => {
  const all = await list('/api/v1/audit_events?limit=100', api());
  // the project's own log holds the dashboard's actions on it too
  expect(all.items.map((e) => e.action)).toEqual(['pauseProject', 'deleteConnectedAccount', 'createWebhookEndpoint', 'createConnectedAccount', 'createAuthConfig', 'createProject']);
  const items = all.items.filter((e) => e.surface === 'api');
  expect(items).toHaveLength(4);
  for (const e of items) {
    expect(e).toMatchObject({ actor: { type: 'api_key', id: expect.stringMatching(/^key_/) }, surface: 'api', project_id: tenant.projectId, request_id: expect.any(String) });
    expect(e.id).toMatch(/^aud_/);
  }
  expect(items[0]?.targets).toEqual([connectionId]);
  expect(items[2]?.targets).toEqual([connectionId]);
});

test('the org sees its dashboard changes (org admin token), its projects and the admin acting on it', async () => {
  const { items } = await list('/dashboard/v1/audit_events?limit=100', org());
  const pause = items.find((e) => e.action === 'pauseProject');
  expect(pause).toMatchObject({ actor: { type: 'org_admin_token', id: expect.stringMatching(/^oat_/) }, surface: 'dashboard', targets: [tenant.projectId] });
  expect(items.find((e) => e.action === 'createProject')).toMatchObject({ actor: { type: 'org_admin_token' }, surface: 'dashboard', targets: [tenant.projectId], project_id: tenant.projectId });
  expect(items.find((e) => e.action === 'createOrg')).toMatchObject({ actor: { type: 'admin', id: null }, surface: 'admin', targets: [tenant.orgId] });
  expect(items.filter((e) => e.action === 'deleteConnectedAccount')).toHaveLength(1);
});

test('filters: action, target, time', async () => {
  expect((await list('/api/v1/audit_events?action=createAuthConfig', api())).items.map((e) => e.action)).toEqual(['createAuthConfig']);
  expect((await list(`/api/v1/audit_events?target=${connectionId}`, api())).items.map((e) => e.action)).toEqual(['deleteConnectedAccount', 'createConnectedAccount']);
  expect((await list(`/api/v1/audit_events?since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`, api())).items).toEqual([]);
  expect((await list('/api/v1/audit_events?until=2000-01-01T00:00:00Z', api())).items).toEqual([]);
  const page = await list('/api/v1/audit_events?limit=1', api());
  expect(page.items).toHaveLength(1);
  const next = await list(`/api/v1/audit_events?limit=1&cursor=${encodeURIComponent(page.next_cursor as string)}`, api());
  expect(next.items[0]?.action).toBe('deleteConnectedAccount');
  expect((await stack.request('GET', '/api/v1/audit_events?since=yesterday', { headers: api() })).status).toBe(400);
  // a cursor is bound to its caller and filters
  expect((await stack.request('GET', `/api/v1/audit_events?action=createAuthConfig&cursor=${encodeURIComponent(page.next_cursor as string)}`, { headers: api() })).status).toBe(400);
});

test('no secret is ever recorded', async () => {
  const rows = await stack.db.db.$queryRaw<unknown[]>`SELECT * FROM audit_events`;
  const text = JSON.stringify(rows);
  for (const secret of [tenant.apiKey, tenant.orgToken, endpointSecret, 'api-key-secret-audited-0123456789', stack.env['ADMIN_TOKEN'] as string]) expect(text).not.toContain(secret);
});

test('the log only grows: the database refuses UPDATE, DELETE and TRUNCATE of it', async () => {
  const before = await stack.db.db.auditEvent.count();
  expect(before).toBeGreaterThan(0);
  await expect(stack.db.db.$executeRaw`UPDATE audit_events SET action = 'nothing'`).rejects.toThrow(/append-only/);
  await expect(stack.db.db.$executeRaw`DELETE FROM audit_events`).rejects.toThrow(/append-only/);
  await expect(stack.db.db.$executeRaw`TRUNCATE audit_events`).rejects.toThrow(/append-only/);
  await expect(stack.db.db.$executeRaw`DELETE FROM audit_event_targets`).rejects.toThrow(/append-only/);
  expect(await stack.db.db.auditEvent.count()).toBe(before);
  expect((await stack.request('POST', `/dashboard/v1/projects/${tenant.projectId}/resume`, { headers: org(), body: {} })).status).toBe(200);
  expect(await stack.db.db.auditEvent.count()).toBe(before + 1);
});
