/**
 * The access-sync case end to end (examples/access-sync): connections made through the API are
 * granted a viewer role downstream; a project revoke removes every grant, although the service
 * was down (answering 503) while the revoke ran: nothing is lost, nothing applied twice.
 */
import { startAccessSync, type AccessSync } from '../examples/access-sync/src/access-sync';
import { seedAuthConfig, seedConnection, seedTenant, waitForJob, type Tenant } from './support/seed';
import { startStack, type Stack } from './support/stack';

const N = 12;
let stack: Stack;
let tenant: Tenant;
let service: AccessSync;
let ids: string[] = [];

async function until(what: string, probe: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  stack = await startStack({ thermosEnv: { WEBHOOK_POLL_INTERVAL_MS: '100', WEBHOOK_BACKOFF_BASE_MS: '200', WEBHOOK_BACKOFF_MAX_MS: '2000' } });
  tenant = await seedTenant(stack, 'access');
}, 120_000);
afterAll(async () => Promise.all([stack?.stop(), service?.stop()]));

test('connect grants, a project revoke while the service is down removes every grant once it is back', async () => {
  // the endpoint first (its secret configures the service), then the service at its URL
  const placeholder = await startAccessSync('whsec_AAAA');
  await placeholder.stop();
  const created = await stack.request('POST', '/api/v1/webhook_endpoints', {
    headers: { 'x-api-key': tenant.apiKey },
    body: { url: placeholder.url, events: ['connected_account.created', 'connected_account.revoked', 'connected_account.deleted'] },
  });
  expect(created.status).toBe(201);
  service = await startAccessSync(created.body['secret'] as string, Number(new URL(placeholder.url).port));

  const ac = await seedAuthConfig(stack, tenant.apiKey, { toolkit: 'openai', auth_scheme: 'api_key' });
  ids = [];
  for (let i = 0; i < N; i += 1) ids.push(await seedConnection(stack, tenant.apiKey, ac, { api_key: `access-sync-key-${i}-0123456789abcdef` }, `user-${i}`));
  await until('every connection granted', () => service.grants.size === N);
  expect([...service.grants.keys()].sort()).toEqual([...ids].sort());

  service.down = true;
  const job = await stack.request('POST', '/api/v1/revoke_jobs', { headers: { 'x-api-key': tenant.apiKey }, body: { scope: { type: 'project' } } });
  expect(job.status).toBe(202);
  await waitForJob(stack, `/api/v1/revoke_jobs/${job.body['id'] as string}`, { 'x-api-key': tenant.apiKey });
  // the revoked events are sent, and refused, while it is down
  const refused = () => stack.db.db.webhookDelivery.count({ where: { eventType: 'connected_account.revoked', status: 'pending', lastStatus: 503 } });
  const deadline = Date.now() + 60_000;
  while ((await refused()) < N && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  expect(await refused()).toBe(N);
  expect(service.grants.size).toBe(N);

  service.down = false;
  await until('every grant removed', () => service.grants.size === 0);
  const delivered = () => stack.db.db.webhookDelivery.count({ where: { eventType: 'connected_account.revoked', status: 'delivered' } });
  while ((await delivered()) < N && Date.now() < deadline + 60_000) await new Promise((resolve) => setTimeout(resolve, 100));
  expect(await stack.db.db.webhookDelivery.count({ where: { eventType: 'connected_account.revoked' } })).toBe(N);
  expect(await delivered()).toBe(N);
  // each event applied once, however often it was sent
  expect(service.seen.size).toBe(2 * N);
});
