/**
 * The sweep (issue 8 item 3): a Temporal Schedule whose workflow finds sealed credentials left
 * under deleted parents with no intent and no run covering them, and revokes them through the
 * ordinary run machinery, one `sweep` job per owning org on that org's dashboard. Parents are
 * soft-deleted straight in SQL here: nothing asked for their revocation.
 */
import { SEARCH_ATTRIBUTES, sweepScheduleId } from '@at/common';
import { createProviderServer, type ProviderServer } from '@at/devstack';
import { ensureSweepSchedule } from '@at/thermos';
import { providerAuthConfig, providerConnections, type ProviderConnections } from './support/provider-seed';
import { allResults, seedProject, seedTenant, waitForJob, type Tenant } from './support/seed';
import { startStack, type Stack } from './support/stack';

const CLIENT = { clientId: 'sweep-app', clientSecret: 'sweep-app-secret-0123456789' };

type Job = { id: string; trigger: string; status: string; scope: { type: string; id: string }; counts: Record<string, number> };

let stack: Stack;
let provider: ProviderServer;

beforeAll(async () => {
  provider = await createProviderServer({ clients: [CLIENT] });
  stack = await startStack({
    thermosEnv: { PROVIDER_RATE_LIMITS: JSON.stringify({ oauth2: 0 }), REVOKE_SWEEP_INTERVAL: '1h' },
    apolloEnv: { REVOKE_RECONCILE_INTERVAL_MS: '200' },
  });
}, 180_000);

afterAll(async () => {
  // the schedule lives on the shared server: remove it with the stack
  await stack?.temporal.schedule.getHandle(sweepScheduleId(stack.env['TEMPORAL_TASK_QUEUE'] as string)).delete().catch(() => undefined);
  await stack?.stop();
  await provider?.close();
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const scheduleId = () => sweepScheduleId(stack.env['TEMPORAL_TASK_QUEUE'] as string);

async function connections(apiKey: string, n: number): Promise<ProviderConnections & { authConfigId: string }> {
  const authConfigId = await providerAuthConfig(stack, apiKey, provider, CLIENT);
  return { authConfigId, ...(await providerConnections(stack, provider, CLIENT, authConfigId, n)) };
}

async function sweepJobs(tenant: Tenant): Promise<Job[]> {
  const res = await stack.request<{ items: Job[] }>('GET', '/dashboard/v1/revoke_jobs?limit=100', { headers: bearer(tenant.orgToken) });
  return res.body.items.filter((j) => j.trigger === 'sweep');
}

/** Runs the schedule now (not on the hour) and waits for that sweep to finish. */
async function sweepNow(): Promise<{ orgs: number }> {
  const handle = stack.temporal.schedule.getHandle(scheduleId());
  const before = (await handle.describe()).info.recentActions.length;
  await handle.trigger();
  for (;;) {
    const actions = (await handle.describe()).info.recentActions;
    const latest = actions[actions.length - 1];
    if (actions.length > before && latest) {
      const run = stack.temporal.workflow.getHandle(latest.action.workflow.workflowId, latest.action.workflow.firstExecutionRunId);
      return (await run.result()) as { orgs: number };
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

test('the worker created the schedule; creating it again with another interval updates it', async () => {
  const handle = stack.temporal.schedule.getHandle(scheduleId());
  expect((await handle.describe()).spec.intervals?.map((i) => i.every)).toEqual([3_600_000]);
  await ensureSweepSchedule(stack.temporal, { taskQueue: stack.env['TEMPORAL_TASK_QUEUE'] as string, intervalMs: 7_200_000 });
  expect((await handle.describe()).spec.intervals?.map((i) => i.every)).toEqual([7_200_000]);
  await ensureSweepSchedule(stack.temporal, { taskQueue: stack.env['TEMPORAL_TASK_QUEUE'] as string, intervalMs: 3_600_000 });
  expect((await handle.describe()).spec.intervals?.map((i) => i.every)).toEqual([3_600_000]);
});

test('credentials orphaned without any intent are revoked by the sweep and reported in a sweep job per org', async () => {
  const acme = await seedTenant(stack, 'acme');
  const underConfig = await connections(acme.apiKey, 3);
  const second = await seedProject(stack, acme.orgToken, 'second');
  const underProject = await connections(second.apiKey, 2);
  const kept = await connections(acme.apiKey, 2);
  const globex = await seedTenant(stack, 'globex');
  const underOrg = await connections(globex.apiKey, 2);
  const bystander = await seedTenant(stack, 'bystander');
  const untouched = await connections(bystander.apiKey, 2);

  await stack.db.db.authConfig.update({ where: { id: underConfig.authConfigId }, data: { deletedAt: new Date() } });
  await stack.db.db.project.update({ where: { id: second.projectId }, data: { deletedAt: new Date() } });
  await stack.db.db.org.update({ where: { id: globex.orgId }, data: { deletedAt: new Date() } });
  // no scope is live any more, so no revoke job could reach them
  expect(await stack.db.db.revokeIntent.count()).toBe(0);

  expect(await sweepNow()).toEqual({ orgs: 2 });
  const [acmeJob] = await eventually('the sweep job of acme', async () => ((await sweepJobs(acme)).length === 1 ? sweepJobs(acme) : undefined));
  const done = await waitForJob(stack, `/dashboard/v1/revoke_jobs/${(acmeJob as Job).id}`, bearer(acme.orgToken));
  expect(done).toMatchObject({ trigger: 'sweep', status: 'completed', scope: { type: 'org', id: acme.orgId }, counts: { total: 5, revoked: 5, failed: 0, pending: 0 } });
  const results = await allResults(stack, `/dashboard/v1/revoke_jobs/${(acmeJob as Job).id}`, bearer(acme.orgToken));
  expect(results.map((r) => r['connected_account_id']).sort()).toEqual([...underConfig.ids, ...underProject.ids].sort());
  expect(provider.check([...underConfig.tokens, ...underProject.tokens])).toMatchObject({ active: 0 });
  expect(provider.check(kept.tokens)).toMatchObject({ active: kept.tokens.length });

  // globex itself is deleted: its org token no longer opens the dashboard, the job is in the database
  const globexJob = await eventually('the sweep job of globex', () => stack.db.db.job.findFirst({ where: { ownerId: globex.orgId } }).then((j) => j ?? undefined));
  expect(globexJob.metadata).toEqual({ scope: { type: 'org', id: globex.orgId }, trigger: 'sweep' });
  await eventually('globex revoked at the provider', async () => (provider.check(underOrg.tokens).active === 0 ? true : undefined));
  expect(provider.check(untouched.tokens)).toMatchObject({ active: untouched.tokens.length });

  // the runs carry the search attributes of any revoke run
  const description = await stack.temporal.workflow.getHandle(globexJob.workflowId, globexJob.runId).describe();
  expect(description.typedSearchAttributes.get(SEARCH_ATTRIBUTES.trigger)).toBe('sweep');
  expect(description.typedSearchAttributes.get(SEARCH_ATTRIBUTES.orgId)).toBe(globex.orgId);
  expect(description.typedSearchAttributes.get(SEARCH_ATTRIBUTES.jobId)).toBe(globexJob.id);
}, 300_000);

test('a sweep with nothing left to revoke queues nothing and starts no job', async () => {
  const jobsBefore = await stack.db.db.job.count();
  expect(await sweepNow()).toEqual({ orgs: 0 });
  // nothing was queued or re-armed: a reconciler pass has nothing to start
  expect(await stack.db.db.revokeIntent.count({ where: { jobId: null } })).toBe(0);
  expect(await stack.apollo.reconciler.runOnce()).toBe(0);
  expect(await stack.db.db.job.count()).toBe(jobsBefore);
}, 120_000);
