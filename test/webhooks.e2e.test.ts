/**
 * Events and their signed webhook delivery, end to end: changes made through the public API and
 * a revoke job on the worker write outbox events; thermos delivers them to real loopback
 * receivers, well-behaved and hostile, each verifying every Standard Webhooks signature.
 */
import { webhookLaneWorkflowId } from '@at/common';
import { insertEvent, transaction } from '@at/db';
import { seedAuthConfig, seedConnection, seedProject, seedTenant, waitForJob, type Tenant } from './support/seed';
import { startStack, type Stack } from './support/stack';
import { startWebhookReceiver, type ReceiverMode, type WebhookReceiver } from './support/webhook-receiver';

let stack: Stack;
let tenant: Tenant;
const receivers = new Map<string, WebhookReceiver>();
const endpoints = new Map<string, string>();
const connections: string[] = [];
let deletedId: string;
let jobId: string;

const headers = () => ({ 'x-api-key': tenant.apiKey });

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function addEndpoint(name: string, mode: ReceiverMode, options: { tls?: boolean; events?: string[] } = {}): Promise<void> {
  const receiver = await startWebhookReceiver(mode, options);
  const res = await stack.request('POST', '/api/v1/webhook_endpoints', { headers: headers(), body: { url: receiver.url, events: options.events ?? ['*'], description: name } });
  expect(res.status).toBe(201);
  receiver.secrets.push(res.body['secret'] as string);
  receivers.set(name, receiver);
  endpoints.set(name, res.body['id'] as string);
}

async function deliveries(name: string, status?: string): Promise<Array<Record<string, unknown>>> {
  const query = new URLSearchParams({ limit: '100', ...(status ? { status } : {}) });
  const res = await stack.request<{ items: Array<Record<string, unknown>> }>('GET', `/api/v1/webhook_endpoints/${endpoints.get(name)}/deliveries?${query}`, { headers: headers() });
  expect(res.status).toBe(200);
  return res.body.items;
}

beforeAll(async () => {
  stack = await startStack({
    thermosEnv: {
      WEBHOOK_POLL_INTERVAL_MS: '100',
      WEBHOOK_BACKOFF_BASE_MS: '100',
      WEBHOOK_BACKOFF_MAX_MS: '1500',
      WEBHOOK_TIMEOUT_MS: '1500',
      WEBHOOK_RETRY_FOR_SECONDS: '600',
      WEBHOOK_REWAKE_AFTER_MS: '3000',
    },
  });
  tenant = await seedTenant(stack, 'hooks');
  const redirectTarget = await startWebhookReceiver({ kind: 'ok' });
  receivers.set('redirect target', redirectTarget);
  await addEndpoint('ok', { kind: 'ok' });
  await addEndpoint('flaky', { kind: 'fail', times: 2 });
  await addEndpoint('rate limited', { kind: 'fail', times: 1, status: 429, retryAfter: '1' });
  await addEndpoint('hangs', { kind: 'hang' });
  await addEndpoint('endless body', { kind: 'endless', status: 500 });
  await addEndpoint('gone', { kind: 'gone' });
  await addEndpoint('redirects', { kind: 'redirect', to: redirectTarget.url });
  await addEndpoint('bad tls', { kind: 'ok' }, { tls: true });
  await addEndpoint('jobs only', { kind: 'ok' }, { events: ['revoke_job.completed'] });

  const ac = await seedAuthConfig(stack, tenant.apiKey, { toolkit: 'openai', auth_scheme: 'api_key' });
  for (let i = 0; i < 4; i += 1) connections.push(await seedConnection(stack, tenant.apiKey, ac, { api_key: `api-key-secret-${i}-0123456789abcdef` }, `user-${i}`));
  deletedId = connections[3] as string;
  expect((await stack.request('DELETE', `/api/v1/connected_accounts/${deletedId}`, { headers: headers() })).status).toBe(200);
  const job = await stack.request('POST', '/api/v1/revoke_jobs', { headers: headers(), body: { scope: { type: 'project' } } });
  expect(job.status).toBe(202);
  jobId = job.body['id'] as string;
  await waitForJob(stack, `/api/v1/revoke_jobs/${jobId}`, headers());
}, 180_000);

afterAll(async () => {
  await stack?.stop();
  await Promise.all([...receivers.values()].map((r) => r.stop()));
});

test('webhook endpoints need the project API key, and another project sees none of them', async () => {
  expect((await stack.request('GET', '/api/v1/webhook_endpoints')).status).toBe(401);
  expect((await stack.request('POST', '/api/v1/webhook_endpoints', { body: { url: 'https://example.com/h', events: ['*'] } })).status).toBe(401);
  const stranger = await seedTenant(stack, 'stranger');
  const list = await stack.request<{ items: unknown[] }>('GET', '/api/v1/webhook_endpoints', { headers: { 'x-api-key': stranger.apiKey } });
  expect(list.body.items).toEqual([]);
  for (const path of [`/api/v1/webhook_endpoints/${endpoints.get('ok')}`, `/api/v1/webhook_endpoints/${endpoints.get('ok')}/deliveries`]) {
    expect((await stack.request('GET', path, { headers: { 'x-api-key': stranger.apiKey } })).status).toBe(404);
  }
  expect((await stack.request('POST', `/api/v1/webhook_endpoints/${endpoints.get('ok')}/rotate_secret`, { headers: { 'x-api-key': stranger.apiKey } })).status).toBe(404);
});

test('the secret is shown once: never in a GET or a list', async () => {
  const one = await stack.request('GET', `/api/v1/webhook_endpoints/${endpoints.get('ok')}`, { headers: headers() });
  expect(one.status).toBe(200);
  expect(one.body).toMatchObject({ id: endpoints.get('ok'), url: receivers.get('ok')?.url, events: ['*'], description: 'ok', disabled: null });
  expect(JSON.stringify(one.body)).not.toContain('whsec_');
  const list = await stack.request('GET', '/api/v1/webhook_endpoints', { headers: headers() });
  expect(JSON.stringify(list.body)).not.toContain('whsec_');
  expect(receivers.get('ok')?.secrets[0]).toMatch(/^whsec_/);
});

test('bad endpoint input is a 400 naming the field: private addresses (egress policy), unknown event types, extra keys', async () => {
  const bad = async (body: unknown, field: string) => {
    const res = await stack.request<{ error: { code: string; fields?: Array<{ path: string }> } }>('POST', '/api/v1/webhook_endpoints', { headers: headers(), body });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.fields?.map((f) => f.path)).toContain(field);
  };
  await bad({ url: 'https://10.0.0.7/hooks', events: ['*'] }, 'body.url');
  await bad({ url: 'http://169.254.169.254/latest', events: ['*'] }, 'body.url');
  await bad({ url: 'ftp://example.com/x', events: ['*'] }, 'body.url');
  await bad({ url: 'https://user:pw@example.com/x', events: ['*'] }, 'body.url');
  await bad({ url: 'https://example.com/x', events: ['connected_account.exploded'] }, 'body.events.0');
  await bad({ url: 'https://example.com/x', events: [] }, 'body.events');
  await bad({ url: 'https://example.com/x', events: ['*'], secret: 'mine' }, 'body.secret');
});

test('every event reaches a healthy receiver once, signed (Standard Webhooks), per connection in order', async () => {
  const receiver = receivers.get('ok') as WebhookReceiver;
  // 4 created, 1 deleted, 3 revoked (the deleted one is not live: not in the job), 1 job completed
  await until('nine events at the ok receiver', () => (receiver.accepted.size >= 9 ? true : undefined));
  expect(receiver.requests.every((r) => r.verified[0] === true)).toBe(true);
  expect([...receiver.accepted.values()].every((e) => e.count === 1)).toBe(true);
  const byType = (type: string) => [...receiver.accepted.values()].filter((e) => e.type === type);
  expect(byType('connected_account.created').map((e) => e.data['connected_account_id']).sort()).toEqual([...connections].sort());
  expect(byType('connected_account.deleted').map((e) => e.data)).toEqual([
    expect.objectContaining({ connected_account_id: deletedId, project_id: tenant.projectId, toolkit: 'openai', deleted_with: { type: 'connected_account', id: deletedId } }),
  ]);
  const revoked = byType('connected_account.revoked');
  expect(revoked.map((e) => e.data['connected_account_id']).sort()).toEqual(connections.slice(0, 3).sort());
  for (const e of revoked) expect(e.data).toMatchObject({ job_id: jobId, outcome: expect.stringMatching(/^(revoked|already_revoked|unsupported_by_provider)$/) });
  expect(byType('revoke_job.completed').map((e) => e.data)).toEqual([
    expect.objectContaining({ job_id: jobId, status: 'completed', counts: expect.objectContaining({ total: 3, failed: 0 }), failure: null }),
  ]);
  // the body is the event: {id, type, created_at, data}, its id the webhook-id; ids are evt_
  for (const r of receiver.requests) {
    const body = JSON.parse(r.body) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['created_at', 'data', 'id', 'type']);
    expect(body['id']).toBe(r.id);
    expect(r.id).toMatch(/^evt_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(r.signature).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
  }
  // per connection: created arrives before whatever ended it
  const order = receiver.requests.map((r) => JSON.parse(r.body) as { type: string; data: { connected_account_id?: string } });
  for (const id of connections) {
    const types = order.filter((e) => e.data.connected_account_id === id).map((e) => e.type);
    expect(types[0]).toBe('connected_account.created');
    expect(types).toHaveLength(2);
  }
});

test('a receiver answering 500 gets the same event again (same webhook-id, fresh signature) until it accepts it', async () => {
  const receiver = receivers.get('flaky') as WebhookReceiver;
  await until('nine events accepted by the flaky receiver', () => (receiver.accepted.size >= 9 ? true : undefined));
  expect(receiver.requests.every((r) => r.verified[0] === true)).toBe(true);
  for (const [id, event] of receiver.accepted) {
    expect(event.count).toBe(1);
    expect(receiver.requests.filter((r) => r.id === id)).toHaveLength(3);
  }
  const log = await until('every flaky delivery delivered', async () => {
    const items = await deliveries('flaky');
    return items.length === 9 && items.every((d) => d.status === 'delivered') ? items : undefined;
  });
  for (const d of log) expect(d).toMatchObject({ attempts: 3, last_status: 204, next_attempt_at: null });
});

test('a 429 with Retry-After is waited out: the next attempt is scheduled no sooner than it asked', async () => {
  const receiver = receivers.get('rate limited') as WebhookReceiver;
  await until('nine events accepted after a 429 each', () => (receiver.accepted.size >= 9 ? true : undefined));
  for (const id of receiver.accepted.keys()) {
    const [first, second] = receiver.requests.filter((r) => r.id === id);
    // the receiver's own clock: the retry came a second or more after the 429 (Retry-After: 1)
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(950);
  }
});

test('hostile receivers end in a recorded, truthful state within bounded time: hanging, endless body, redirect, bad TLS', async () => {
  for (const name of ['hangs', 'endless body', 'redirects', 'bad tls']) {
    // the head of each connection's queue (its created event) and the job's event are retried;
    // what follows a connection's undelivered event waits behind it, unsent
    const heads = (list: Array<Record<string, unknown>>) => list.filter((d) => d.event_type === 'connected_account.created' || d.event_type === 'revoke_job.completed');
    const all = await until(`${name}: every head delivery attempted twice`, async () => {
      const list = await deliveries(name);
      return list.length === 9 && heads(list).every((d) => Number(d.attempts) >= 2) ? list : undefined;
    });
    const items = heads(all);
    expect(items).toHaveLength(5);
    for (const d of all) {
      expect(d.status).toBe('pending');
      expect(d.next_attempt_at).toEqual(expect.any(String));
    }
    for (const d of all.filter((d) => !items.includes(d))) expect(d.attempts).toBe(0);
    const errors = items.map((d) => String(d.last_error));
    if (name === 'hangs') expect(errors.every((e) => e.includes('did not answer in time'))).toBe(true);
    if (name === 'endless body') expect(items.every((d) => d.last_status === 500)).toBe(true);
    if (name === 'redirects') expect(items.every((d) => d.last_status === 302)).toBe(true);
    if (name === 'bad tls') expect(items.every((d) => d.last_status === null && /certificate|self.signed|SELF_SIGNED/i.test(String(d.last_error)))).toBe(true);
  }
  // a redirect is never followed: its target got nothing
  expect(receivers.get('redirect target')?.requests).toEqual([]);
});

test('410 Gone disables the endpoint: it is shown disabled and its deliveries end failed', async () => {
  const items = await until('gone deliveries failed', async () => {
    const list = await deliveries('gone');
    return list.length > 0 && list.every((d) => d.status === 'failed') ? list : undefined;
  });
  expect(items.some((d) => d.last_status === 410)).toBe(true);
  const endpoint = await stack.request('GET', `/api/v1/webhook_endpoints/${endpoints.get('gone')}`, { headers: headers() });
  expect(endpoint.body['disabled']).toMatchObject({ reason: expect.stringContaining('410') });
  // the attempts already in flight when the first 410 came back were answered 410 too; none was sent again
  const ids = receivers.get('gone')?.requests.map((r) => r.id) ?? [];
  expect(new Set(ids).size).toBe(ids.length);
});

test('an endpoint receives only the types it subscribed to', async () => {
  const receiver = receivers.get('jobs only') as WebhookReceiver;
  await until('the job event', () => (receiver.accepted.size >= 1 ? true : undefined));
  expect([...receiver.accepted.values()].map((e) => e.type)).toEqual(['revoke_job.completed']);
});

test('during a rotation each delivery carries both signatures; the old secret stops signing when its overlap ends', async () => {
  const receiver = receivers.get('ok') as WebhookReceiver;
  const rotated = await stack.request('POST', `/api/v1/webhook_endpoints/${endpoints.get('ok')}/rotate_secret`, { headers: headers() });
  expect(rotated.status).toBe(200);
  const fresh = rotated.body['secret'] as string;
  expect(fresh).toMatch(/^whsec_/);
  expect(fresh).not.toBe(receiver.secrets[0]);
  expect(rotated.body['previous_secret_expires_at']).toEqual(expect.any(String));
  receiver.secrets.push(fresh);
  const before = receiver.requests.length;
  const ac = await seedAuthConfig(stack, tenant.apiKey, { toolkit: 'openai', auth_scheme: 'api_key' });
  await seedConnection(stack, tenant.apiKey, ac, { api_key: 'api-key-secret-rotation-0123456789' }, 'rotation-user');
  const during = await until('a delivery after the rotation', () => receiver.requests[before]);
  expect(during.signature.split(' ')).toHaveLength(2);
  expect(during.verified).toEqual([true, true]);
  // the overlap ends (as 24 hours later): only the new secret signs
  await stack.db.db.webhookEndpoint.update({ where: { id: endpoints.get('ok') as string }, data: { previousSecretExpiresAt: new Date(Date.now() - 1000) } });
  await seedConnection(stack, tenant.apiKey, ac, { api_key: 'api-key-secret-rotation-9876543210' }, 'rotation-user-2');
  const after = await until('a delivery after the overlap', () => receiver.requests[before + 1]);
  expect(after.signature.split(' ')).toHaveLength(1);
  expect(after.verified).toEqual([false, true]);
});

test('retry sends a failed delivery again, with the same webhook-id', async () => {
  const [failed] = await deliveries('gone', 'failed');
  expect(failed).toBeDefined();
  const goneRequests = receivers.get('gone')?.requests.length;
  // the endpoint is disabled: the retried delivery ends failed again without a request
  const res = await stack.request('POST', `/api/v1/webhook_endpoints/${endpoints.get('gone')}/deliveries/${failed?.id}/retry`, { headers: headers() });
  expect(res.status).toBe(202);
  await until('the retried delivery settled', async () => ((await deliveries('gone')).find((d) => d.id === failed?.id)?.status === 'failed' ? true : undefined));
  expect(receivers.get('gone')?.requests).toHaveLength(goneRequests ?? -1);
  // on a healthy endpoint it is sent again under the same id
  const [delivered] = await deliveries('ok', 'delivered');
  const receiver = receivers.get('ok') as WebhookReceiver;
  const count = receiver.requests.filter((r) => r.id === delivered?.event_id).length;
  expect((await stack.request('POST', `/api/v1/webhook_endpoints/${endpoints.get('ok')}/deliveries/${delivered?.id}/retry`, { headers: headers() })).status).toBe(202);
  await until('sent again', () => (receiver.requests.filter((r) => r.id === delivered?.event_id).length === count + 1 ? true : undefined));
  expect((await stack.request('POST', `/api/v1/webhook_endpoints/${endpoints.get('ok')}/deliveries/wd_00000000000000000000000000/retry`, { headers: headers() })).status).toBe(404);
});

test('an event written by a transaction that rolls back is never written, so never sent', async () => {
  const before = await stack.db.db.event.count();
  await expect(
    transaction(stack.db.db, async (tx) => {
      await insertEvent(tx, { orgId: tenant.orgId, projectId: tenant.projectId, connectedAccountId: null, type: 'revoke_job.completed', data: { rolled: 'back' } });
      throw new Error('the change failed');
    }),
  ).rejects.toThrow('the change failed');
  expect(await stack.db.db.event.count()).toBe(before);
});

test('a deleted endpoint is sent nothing more', async () => {
  expect((await stack.request('DELETE', `/api/v1/webhook_endpoints/${endpoints.get('flaky')}`, { headers: headers() })).status).toBe(200);
  expect((await stack.request('GET', `/api/v1/webhook_endpoints/${endpoints.get('flaky')}`, { headers: headers() })).status).toBe(404);
  const flaky = receivers.get('flaky') as WebhookReceiver;
  const sent = flaky.requests.length;
  const ok = receivers.get('ok') as WebhookReceiver;
  const okBefore = ok.accepted.size;
  const ac = await seedAuthConfig(stack, tenant.apiKey, { toolkit: 'openai', auth_scheme: 'api_key' });
  await seedConnection(stack, tenant.apiKey, ac, { api_key: 'api-key-secret-after-delete-0123' }, 'after-delete');
  await until('the ok receiver got it', () => (ok.accepted.size > okBefore ? true : undefined));
  expect(flaky.requests).toHaveLength(sent);
});

test("an org-owned job's end reaches the endpoints of every project it covered, and only those", async () => {
  const org = await seedTenant(stack, 'org job');
  const orgHeaders = { authorization: `Bearer ${org.orgToken}` };
  const second = await seedProject(stack, org.orgToken, 'second');
  const untouched = await seedProject(stack, org.orgToken, 'untouched');
  const projects = [
    { name: 'org job: first', ...org },
    { name: 'org job: second', ...second },
    { name: 'org job: untouched', ...untouched },
  ];
  for (const p of projects) {
    const receiver = await startWebhookReceiver({ kind: 'ok' });
    const res = await stack.request('POST', '/api/v1/webhook_endpoints', { headers: { 'x-api-key': p.apiKey }, body: { url: receiver.url, events: ['revoke_job.completed'] } });
    expect(res.status).toBe(201);
    receiver.secrets.push(res.body['secret'] as string);
    receivers.set(p.name, receiver);
    endpoints.set(p.name, res.body['id'] as string);
  }
  // a connection in the first two projects; none in the third
  for (const p of projects.slice(0, 2)) {
    const ac = await seedAuthConfig(stack, p.apiKey, { toolkit: 'openai', auth_scheme: 'api_key' });
    await seedConnection(stack, p.apiKey, ac, { api_key: `api-key-secret-${p.projectId}` }, 'org-job-user');
  }
  const job = await stack.request('POST', '/dashboard/v1/revoke_jobs', { headers: orgHeaders, body: { scope: { type: 'org' } } });
  expect(job.status).toBe(202);
  const orgJobId = job.body['id'] as string;
  expect(orgJobId).toMatch(/^oj_/);
  expect(await waitForJob(stack, `/dashboard/v1/revoke_jobs/${orgJobId}`, orgHeaders)).toMatchObject({ status: 'completed' });
  const received: Array<Array<{ id: string; data: Record<string, unknown> }>> = [];
  for (const p of projects.slice(0, 2)) {
    const receiver = receivers.get(p.name) as WebhookReceiver;
    received.push(await until(`${p.name} told`, () => (receiver.accepted.size > 0 ? [...receiver.accepted.entries()].map(([id, e]) => ({ id, data: e.data })) : undefined)));
  }
  for (const events of received) {
    expect(events).toEqual([{ id: expect.stringMatching(/^evt_/), data: expect.objectContaining({ job_id: orgJobId, project_id: null, status: 'completed', counts: expect.objectContaining({ total: 2 }) }) }]);
  }
  // one event, the same webhook-id at each project
  expect(received[0]?.[0]?.id).toBe(received[1]?.[0]?.id);
  expect(receivers.get('org job: untouched')?.requests).toEqual([]);
  expect(await stack.db.db.webhookDelivery.count({ where: { endpointId: endpoints.get('org job: untouched') as string } })).toBe(0);
});

test('a lane whose workflow is gone (terminated while a retry waited) is woken again by the relay: the delivery still arrives', async () => {
  await addEndpoint('lane terminated', { kind: 'fail', times: 1_000_000 });
  const endpointId = endpoints.get('lane terminated') as string;
  const ac = await seedAuthConfig(stack, tenant.apiKey, { toolkit: 'openai', auth_scheme: 'api_key' });
  await seedConnection(stack, tenant.apiKey, ac, { api_key: 'api-key-secret-lane-terminated-01' }, 'lane-terminated');
  const failing = await until('an attempt failed', async () => (await stack.db.db.webhookDelivery.findFirst({ where: { endpointId, attempts: { gt: 0 } } })) ?? undefined);
  await stack.temporal.workflow.getHandle(webhookLaneWorkflowId(endpointId, failing.lane)).terminate('the test: a lane lost');
  const receiver = receivers.get('lane terminated') as WebhookReceiver;
  receiver.mode = { kind: 'ok' };
  await until('delivered after the lane was woken again', async () => ((await stack.db.db.webhookDelivery.findUnique({ where: { id: failing.id } }))?.status === 'delivered' ? true : undefined));
  expect(receiver.accepted.has(failing.eventId)).toBe(true);
});
