/**
 * DELETE ?revoke_on_delete=true while Temporal is unreachable (issue 8 item 3). The delete and
 * the intent to revoke commit together, so a 503 leaves a state from which revocation happens:
 * the caller's retried DELETE answers for the deleted entity instead of a 404, and once Temporal
 * is back the reconciler starts the run by itself and every credential dies at the provider.
 * Temporal here is a dev server of this file's own, stopped and started on the same port and file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createProviderServer, freePort, readDynamicConfig, startTemporalServer, type ProviderServer, type TemporalServerHandle } from '@at/devstack';
import { providerAuthConfig, providerConnections, type ProviderConnections } from './support/provider-seed';
import { seedProject, seedTenant, waitForJob, type Tenant } from './support/seed';
import { startStack, type Stack } from './support/stack';

const CLIENT = { clientId: 'outage-app', clientSecret: 'outage-app-secret-0123456789' };

type Deleted = { id: string; deleted: boolean; revocation: 'not_requested' | { job_id: string } };
type ErrorBody = { error: { code: string; message: string; request_id: string } };

let dir: string;
let port: number;
let temporal: TemporalServerHandle | undefined;
let stack: Stack;
let provider: ProviderServer;
let tenant: Tenant;

// a loaded machine can take over a minute to start it again
const startTemporal = () => startTemporalServer({ port, dbFile: path.join(dir, 'temporal.db'), dynamicConfig: readDynamicConfig('test'), startupTimeoutMs: 240_000 });
const api = (apiKey: string) => ({ 'x-api-key': apiKey });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'at-outage-'));
  port = await freePort();
  temporal = await startTemporal();
  provider = await createProviderServer({ clients: [CLIENT] });
  stack = await startStack({
    temporalAddress: temporal.address,
    thermosEnv: { PROVIDER_RATE_LIMITS: JSON.stringify({ oauth2: 0 }) },
    apolloEnv: { REVOKE_RECONCILE_INTERVAL_MS: '200', REVOKE_INTENT_MAX_BACKOFF_MS: '1000' },
  });
  tenant = await seedTenant(stack, 'outage');
}, 180_000);

afterAll(async () => {
  await stack?.stop();
  await provider?.close();
  await temporal?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function connections(apiKey: string, n: number): Promise<ProviderConnections & { authConfigId: string }> {
  const authConfigId = await providerAuthConfig(stack, apiKey, provider, CLIENT);
  return { authConfigId, ...(await providerConnections(stack, provider, CLIENT, authConfigId, n)) };
}

async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

test('a DELETE that meets a Temporal outage answers 503, and its revocation still happens: by the reconciler, and on retry', async () => {
  const byAuthConfig = await connections(tenant.apiKey, 3);
  const lone = await connections(tenant.apiKey, 1);
  const project = await seedProject(stack, tenant.orgToken, 'doomed');
  const byProject = await connections(project.apiKey, 2);
  const bystanders = await connections(tenant.apiKey, 2);

  await (temporal as TemporalServerHandle).stop();
  temporal = undefined;

  const deletes = [
    { path: `/api/v1/auth_configs/${byAuthConfig.authConfigId}`, headers: api(tenant.apiKey), conns: byAuthConfig, jobs: '/api/v1/revoke_jobs' },
    { path: `/api/v1/connected_accounts/${lone.ids[0] as string}`, headers: api(tenant.apiKey), conns: lone, jobs: '/api/v1/revoke_jobs' },
    { path: `/dashboard/v1/projects/${project.projectId}`, headers: bearer(tenant.orgToken), conns: byProject, jobs: '/dashboard/v1/revoke_jobs' },
  ];
  for (const d of deletes) {
    const first = await stack.request<ErrorBody>('DELETE', `${d.path}?revoke_on_delete=true`, { headers: d.headers });
    expect({ path: d.path, status: first.status, code: first.body.error.code }).toEqual({ path: d.path, status: 503, code: 'dependency_unavailable' });
    expect(first.body.error.message).toMatch(/recorded/);
    // the caller retries, as a 503 invites: the entity is gone, but the answer is about its revocation, not a 404
    const retried = await stack.request<ErrorBody>('DELETE', `${d.path}?revoke_on_delete=true`, { headers: d.headers });
    expect({ path: d.path, status: retried.status, code: retried.body.error.code }).toEqual({ path: d.path, status: 503, code: 'dependency_unavailable' });
  }
  // deleted, intents pending, nothing revoked yet
  expect((await stack.db.db.authConfig.findUniqueOrThrow({ where: { id: byAuthConfig.authConfigId } })).deletedAt).not.toBeNull();
  const pending = await stack.db.db.revokeIntent.findMany({ where: { trigger: 'delete' } });
  expect(pending.map((i) => ({ scope: i.scopeId, job: i.jobId, tried: i.attempts > 0 }))).toEqual(
    expect.arrayContaining([byAuthConfig.authConfigId, lone.ids[0], project.projectId].map((scope) => ({ scope, job: null, tried: true }))),
  );
  expect(pending).toHaveLength(3);
  expect(provider.check([...byAuthConfig.tokens, ...lone.tokens, ...byProject.tokens])).toMatchObject({ inactive: 0 });

  temporal = await startTemporal();

  // nobody retries: the reconciler starts every intent once Temporal is back
  const started = await eventually('the reconciler to start every intent', async () => {
    const intents = await stack.db.db.revokeIntent.findMany({ where: { trigger: 'delete' } });
    return intents.every((i) => i.jobId !== null) ? intents : undefined;
  });
  for (const d of deletes) {
    const scopeId = d.path.split('/').pop() as string;
    const jobId = started.find((i) => i.scopeId === scopeId)?.jobId as string;
    // a retry now answers with the job the reconciler started
    const retried = await stack.request<Deleted>('DELETE', `${d.path}?revoke_on_delete=true`, { headers: d.headers });
    expect(retried).toEqual({ status: 200, body: { id: scopeId, deleted: true, revocation: { job_id: jobId } } });
    const job = await waitForJob(stack, `${d.jobs}/${jobId}`, d.headers);
    expect(job).toMatchObject({ status: 'completed', trigger: 'delete', counts: { total: d.conns.ids.length, revoked: d.conns.ids.length, failed: 0 } });
    expect({ path: d.path, ...provider.check(d.conns.tokens) }).toMatchObject({ path: d.path, active: 0, inactive: d.conns.tokens.length });
  }
  // what was not deleted is untouched
  expect(provider.check(bystanders.tokens)).toMatchObject({ active: bystanders.tokens.length });
}, 600_000);

test('a DELETE retried with revoke_on_delete after a plain DELETE revokes then; without it, a deleted entity stays a 404', async () => {
  const conns = await connections(tenant.apiKey, 2);
  const path = `/api/v1/auth_configs/${conns.authConfigId}`;
  expect(await stack.request<Deleted>('DELETE', path, { headers: api(tenant.apiKey) })).toEqual({ status: 200, body: { id: conns.authConfigId, deleted: true, revocation: 'not_requested' } });
  expect((await stack.request('DELETE', path, { headers: api(tenant.apiKey) })).status).toBe(404);
  const late = await stack.request<Deleted>('DELETE', `${path}?revoke_on_delete=true`, { headers: api(tenant.apiKey) });
  expect(late.status).toBe(200);
  const jobId = (late.body.revocation as { job_id: string }).job_id;
  await waitForJob(stack, `/api/v1/revoke_jobs/${jobId}`, api(tenant.apiKey));
  expect(provider.check(conns.tokens)).toMatchObject({ active: 0 });
  // the same again is the same job, not a second run
  expect((await stack.request<Deleted>('DELETE', `${path}?revoke_on_delete=true`, { headers: api(tenant.apiKey) })).body.revocation).toEqual({ job_id: jobId });
  // another project's deleted entity is still a 404, with or without revocation
  const stranger = await seedTenant(stack, 'stranger');
  expect((await stack.request('DELETE', `${path}?revoke_on_delete=true`, { headers: api(stranger.apiKey) })).status).toBe(404);
}, 300_000);

test('the soft delete and its intent commit together: when the intent cannot be written, nothing is deleted', async () => {
  const conns = await connections(tenant.apiKey, 1);
  await stack.db.db.$executeRawUnsafe(`CREATE FUNCTION refuse_intents() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused' USING ERRCODE = '40001'; END $$`);
  await stack.db.db.$executeRawUnsafe(`CREATE TRIGGER refuse_intents BEFORE INSERT ON revoke_intents FOR EACH ROW EXECUTE FUNCTION refuse_intents()`);
  try {
    const res = await stack.request<ErrorBody>('DELETE', `/api/v1/auth_configs/${conns.authConfigId}?revoke_on_delete=true`, { headers: api(tenant.apiKey) });
    // a conflict that outlasts the transaction's retries is the caller's to retry, not a 500
    expect({ status: res.status, code: res.body.error.code }).toEqual({ status: 503, code: 'dependency_unavailable' });
  } finally {
    await stack.db.db.$executeRawUnsafe('DROP TRIGGER refuse_intents ON revoke_intents');
    await stack.db.db.$executeRawUnsafe('DROP FUNCTION refuse_intents()');
  }
  expect((await stack.db.db.authConfig.findUniqueOrThrow({ where: { id: conns.authConfigId } })).deletedAt).toBeNull();
  expect(await stack.db.db.revokeIntent.count({ where: { scopeId: conns.authConfigId } })).toBe(0);
  // and the retry, now that intents can be written, deletes and revokes
  const res = await stack.request<Deleted>('DELETE', `/api/v1/auth_configs/${conns.authConfigId}?revoke_on_delete=true`, { headers: api(tenant.apiKey) });
  expect(res.status).toBe(200);
  await waitForJob(stack, `/api/v1/revoke_jobs/${(res.body.revocation as { job_id: string }).job_id}`, api(tenant.apiKey));
  expect(provider.check(conns.tokens)).toMatchObject({ active: 0 });
}, 300_000);
