/**
 * The delivery proof at scale: 10,000 connections revoked in one project job produce 10,000
 * `connected_account.revoked` events (and the job's). The receiver is down (connection refused)
 * while the job runs, then answers 500s and 429s with Retry-After, then accepts; the worker
 * delivering them is SIGKILLed half way and a new one takes over. Every event is accepted, each
 * webhook-id verified; duplicates (at least once) are counted and printed with the timings.
 */
import { newId } from '@at/common';
import { Vault } from '@at/vault';
import { seedAuthConfig, seedTenant, waitForJob } from './support/seed';
import { startStack, type Stack } from './support/stack';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver';

const N = 10_000;
let stack: Stack;
let receiver: WebhookReceiver;

afterAll(async () => Promise.all([stack?.stop(), receiver?.stop()]));

async function until(what: string, probe: () => boolean | Promise<boolean>, timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

test(`${N.toLocaleString('en')} revoked connections: every event accepted once per webhook-id through an outage, 500s, 429s and a killed worker`, async () => {
  const webhookEnv = { WEBHOOK_POLL_INTERVAL_MS: '100', WEBHOOK_BACKOFF_BASE_MS: '500', WEBHOOK_BACKOFF_MAX_MS: '3000', WEBHOOK_LANES: '8', WEBHOOK_LANE_CONCURRENCY: '8' };
  stack = await startStack({ workerProcess: true, thermosEnv: webhookEnv });
  const tenant = await seedTenant(stack, 'scale');
  receiver = await startWebhookReceiver({ kind: 'ok' });
  const created = await stack.request('POST', '/api/v1/webhook_endpoints', { headers: { 'x-api-key': tenant.apiKey }, body: { url: receiver.url, events: ['connected_account.revoked', 'revoke_job.completed'] } });
  expect(created.status).toBe(201);
  receiver.secrets.push(created.body['secret'] as string);
  const port = new URL(receiver.url).port;
  // down: nothing listens on its port
  await receiver.stop();

  const ac = await seedAuthConfig(stack, tenant.apiKey, { toolkit: 'openai', auth_scheme: 'api_key' });
  const vault = Vault.fromSpec(stack.env['VAULT_KEYS'] as string);
  const ids = Array.from({ length: N }, () => newId('ca'));
  for (let i = 0; i < N; i += 2000) {
    const chunk = ids.slice(i, i + 2000);
    await stack.db.db.connectedAccount.createMany({ data: chunk.map((id, j) => ({ id, orgId: tenant.orgId, projectId: tenant.projectId, authConfigId: ac, userId: `u-${i + j}` })) });
    await stack.db.db.credential.createMany({ data: chunk.map((id) => ({ connectedAccountId: id, sealed: vault.sealJson({ type: 'api_key', api_key: `scale-key-${id}` }, id) })) });
  }
  const startedAt = Date.now();
  const job = await stack.request('POST', '/api/v1/revoke_jobs', { headers: { 'x-api-key': tenant.apiKey }, body: { scope: { type: 'project' } } });
  expect(job.status).toBe(202);
  await waitForJob(stack, `/api/v1/revoke_jobs/${job.body['id'] as string}`, { 'x-api-key': tenant.apiKey }, 300_000);
  const jobMs = Date.now() - startedAt;
  const events = await stack.db.db.event.count({ where: { projectId: tenant.projectId, type: 'connected_account.revoked' } });
  expect(events).toBe(N);
  await until('every delivery attempted while the receiver is down', async () => (await stack.db.db.webhookDelivery.count({ where: { attempts: 0 } })) === 0 && (await stack.db.db.webhookDelivery.count()) === N + 1);

  // back, on the same port: two 500s then a 429 (Retry-After 1) for each event, then accepted
  const back = await startWebhookReceiver({ kind: 'fail', times: 2 }, { port: Number(port) });
  back.secrets.push(...receiver.secrets);
  receiver = back;
  setTimeout(() => {
    receiver.mode = { kind: 'fail', times: 3, status: 429, retryAfter: '1' };
  }, 3_000);
  const upAt = Date.now();
  await until('a quarter accepted', () => receiver.accepted.size >= N / 4);
  receiver.mode = { kind: 'ok' };
  // the worker dies mid-delivery (SIGKILL: no drain); Temporal hands its lanes' passes to the new one once their heartbeats stop
  await stack.worker?.kill();
  const killedAt = receiver.accepted.size;
  await stack.startWorkerProcess();
  await until('every event accepted', () => receiver.accepted.size === N + 1, 600_000);
  const doneMs = Date.now() - upAt;

  expect(receiver.requests.every((r) => r.verified[0] === true)).toBe(true);
  const accepted = [...receiver.accepted.values()];
  expect(new Set([...receiver.accepted.keys()]).size).toBe(N + 1);
  expect(accepted.filter((e) => e.type === 'connected_account.revoked').map((e) => e.data['connected_account_id']).sort()).toEqual([...ids].sort());
  await until('every delivery recorded delivered', async () => (await stack.db.db.webhookDelivery.count({ where: { status: 'delivered' } })) === N + 1, 120_000);
  const duplicates = accepted.reduce((sum, e) => sum + e.count - 1, 0);
  const attempts = await stack.db.db.webhookDelivery.aggregate({ _sum: { attempts: true } });
  console.log(
    `webhooks at scale: ${N} revoked events + 1 job event; job ${jobMs} ms; after the receiver came back, all accepted in ${doneMs} ms ` +
      `(${receiver.requests.length} requests to it, ${attempts._sum.attempts} attempts in all); worker killed at ${killedAt} accepted; ${duplicates} accepted twice (at least once)`,
  );
}, 900_000);
