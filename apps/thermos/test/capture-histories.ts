/**
 * `pnpm --filter @at/thermos histories:capture [--only name,name] [--out dir]`: runs every
 * scenario below on a real stack (an embedded Postgres and a Temporal dev server, as the tests
 * start them, and the real thermos worker) and writes each execution's history to
 * test/histories/<scenario>.json (<scenario>.<n>.json for the executions of a continue-as-new
 * chain). The unit tests replay them all against the current workflow code.
 *
 * To cover a new workflow, or a new way one ends, add a scenario to SCENARIOS: start the
 * workflow on `h.taskQueue`, wait for it to end and return its workflow id and first run id.
 * Files of scenarios not run are left alone (old releases' fixtures stay); nothing is written
 * if a history holds a credential the scenario seeded.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { newId, newWebhookSecret, webhookLaneWorkflowId, WORKFLOW_TYPES, type RefreshAheadInput, type RunTarget } from '@at/common';
import { insertEvent } from '@at/db';
import { createProviderServer, type ProviderServer, type TokenPair } from '@at/devstack';
import { startTestServices, stopTestServices } from '@at/testkit';
import { fetchRunChain, HISTORIES_DIR, type History } from '../src/workflow-histories';
import { connectionStatuses, seedAuthConfig, seedConnections, seedTenant, startRunHarness, type RunHarness, type SeededTenant } from './run-harness';

const CLIENT = { clientId: 'history-app', clientSecret: 'history-app-secret-0123456789' };
/** A second client of the same provider: a lane of its own (lanes are per provider and client). */
const SECOND_CLIENT = { clientId: 'history-app-2', clientSecret: 'history-app-2-secret-0123456789' };

type Context = { h: RunHarness; provider: ProviderServer; secrets: Set<string> };
/** A workflow that ran to its end: where to find its executions. */
type Ended = { workflowId: string; firstRunId: string };
type Scenario = { name: string; what: string; run: (ctx: Context) => Promise<Ended> };

const projectScope = (tenant: SeededTenant): RunTarget => ({ kind: 'scope', scope: { type: 'project', id: tenant.projectId } });

/** A tenant with `n` connections holding tokens the provider server issued (each a secret no history may hold). */
async function tenantWith(ctx: Context, n: number): Promise<{ tenant: SeededTenant; ids: string[]; pairs: TokenPair[] }> {
  const tenant = await seedTenant(ctx.h.db);
  const authConfigId = await seedAuthConfig(ctx.h.db, ctx.h.vault, tenant, CLIENT, `${ctx.provider.url}/revoke`);
  const pairs = ctx.provider.issueTokens(n, CLIENT.clientId);
  for (const pair of pairs) ctx.secrets.add(pair.access_token).add(pair.refresh_token);
  return { tenant, ids: await seedConnections(ctx.h.db, ctx.h.vault, tenant, authConfigId, pairs), pairs };
}

/** Starts a revoke run and waits for its end, whichever it is. */
async function revoke(ctx: Context, target: RunTarget, tuning: Parameters<RunHarness['startRun']>[1] = {}, whileRunning?: (handle: Awaited<ReturnType<RunHarness['startRun']>>) => Promise<void>): Promise<Ended> {
  const started = await ctx.h.startRun(target, tuning);
  await whileRunning?.(started);
  await started.handle.result().catch(() => undefined);
  return { workflowId: started.workflowId, firstRunId: started.runId };
}

async function startAndWait(ctx: Context, workflowType: string, workflowId: string): Promise<Ended> {
  const handle = await ctx.h.temporal.workflow.start(workflowType, { taskQueue: ctx.h.taskQueue, workflowId, args: [] });
  await handle.result();
  return { workflowId, firstRunId: handle.firstExecutionRunId };
}

let cancelledRun: string | undefined;

/**
 * A webhook lane's whole life: two events of one connection, a receiver that answers the first
 * request 500 and then 200: the lane attempts, sleeps on its retry's timer, delivers both in
 * order and ends idle.
 */
async function webhookLane(ctx: Context): Promise<Ended> {
  let requests = 0;
  const receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      requests += 1;
      res.writeHead(requests === 1 ? 500 : 200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  try {
    const { tenant, ids } = await tenantWith(ctx, 1);
    const endpointId = newId('we');
    const secret = newWebhookSecret();
    ctx.secrets.add(secret);
    await ctx.h.db.webhookEndpoint.create({
      data: { id: endpointId, orgId: tenant.orgId, projectId: tenant.projectId, url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`, events: ['*'], secretSealed: ctx.h.vault.sealJson(secret, endpointId) },
    });
    for (const type of ['connected_account.created', 'connected_account.revoked'] as const) {
      await insertEvent(ctx.h.db, { orgId: tenant.orgId, projectId: tenant.projectId, connectedAccountId: ids[0] as string, type, data: { connected_account_id: ids[0] } });
    }
    let lane: number | undefined;
    while (lane === undefined) {
      lane = (await ctx.h.db.webhookDelivery.findFirst({ where: { endpointId }, select: { lane: true } }))?.lane;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const handle = ctx.h.temporal.workflow.getHandle(webhookLaneWorkflowId(endpointId, lane));
    await handle.result();
    const delivered = await ctx.h.db.webhookDelivery.count({ where: { endpointId, status: 'delivered' } });
    if (delivered !== 2 || requests !== 3) throw new Error(`webhook-lane scenario: ${delivered} delivered in ${requests} requests, expected 2 in 3`);
    const { runId } = await handle.describe();
    return { workflowId: handle.workflowId, firstRunId: runId };
  } finally {
    await new Promise((resolve) => receiver.close(resolve));
  }
}

const SCENARIOS: Scenario[] = [
  { name: 'health', what: 'the health workflow reads Postgres once', run: (ctx) => startAndWait(ctx, WORKFLOW_TYPES.health, 'health-history') },
  {
    name: 'refresh-ahead',
    what: 'one pass renews two credentials due within the horizon, a page each',
    run: async (ctx) => {
      const { ids } = await tenantWith(ctx, 2);
      const accounts = await ctx.h.db.connectedAccount.findMany({ where: { id: { in: ids } }, select: { authConfigId: true } });
      await ctx.h.db.authConfig.updateMany({ where: { id: { in: accounts.map((a) => a.authConfigId) } }, data: { tokenEndpoint: `${ctx.provider.url}/token` } });
      await ctx.h.db.credential.updateMany({ where: { connectedAccountId: { in: ids } }, data: { refreshable: true, expiresAt: new Date(Date.now() + 600_000) } });
      const workflowId = 'refresh-ahead-history';
      const input: RefreshAheadInput = { horizonSeconds: 900, pageSize: 1 };
      const handle = await ctx.h.temporal.workflow.start(WORKFLOW_TYPES.refreshAhead, { taskQueue: ctx.h.taskQueue, workflowId, args: [input] });
      const counts = (await handle.result()) as { refreshed: number };
      if (counts.refreshed !== 2) throw new Error(`refresh-ahead scenario: ${JSON.stringify(counts)}, expected 2 refreshed`);
      return { workflowId, firstRunId: handle.firstExecutionRunId };
    },
  },
  {
    name: 'sweep',
    what: 'the sweep queues one org holding a deleted connection',
    run: async (ctx) => {
      const { ids } = await tenantWith(ctx, 1);
      await ctx.h.db.connectedAccount.update({ where: { id: ids[0] as string }, data: { deletedAt: new Date() } });
      return startAndWait(ctx, WORKFLOW_TYPES.sweep, 'sweep-history');
    },
  },
  { name: 'webhook-lane', what: 'a lane delivers two events of one connection in order, the first after a 500 and a retry timer, then ends idle', run: webhookLane },
  {
    name: 'revoke-completed',
    what: 'three connections revoked in two pages',
    run: async (ctx) => revoke(ctx, projectScope((await tenantWith(ctx, 3)).tenant), { pageSize: 2 }),
  },
  { name: 'revoke-empty-scope', what: 'a project without connections: completed, no page', run: async (ctx) => revoke(ctx, projectScope(await seedTenant(ctx.h.db))) },
  {
    name: 'revoke-failed',
    what: 'a page that keeps failing (a database fault) runs out of attempts: failed, the rest released',
    run: async (ctx) => {
      const { tenant } = await tenantWith(ctx, 4);
      await ctx.h.db.$executeRawUnsafe(`CREATE OR REPLACE FUNCTION history_fault() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW.status = 'revoking' THEN RAISE EXCEPTION 'injected fault' USING ERRCODE = 'XX000'; END IF; RETURN NEW; END $$`);
      await ctx.h.db.$executeRawUnsafe('CREATE TRIGGER history_fault BEFORE UPDATE ON connected_accounts FOR EACH ROW EXECUTE FUNCTION history_fault()');
      try {
        return await revoke(ctx, projectScope(tenant), { pageSize: 2, pageParallelism: 1, maxAttempts: 2 });
      } finally {
        await ctx.h.db.$executeRawUnsafe('DROP TRIGGER IF EXISTS history_fault ON connected_accounts');
      }
    },
  },
  {
    name: 'revoke-cancelled',
    what: 'cancelled while pages are in flight: in-flight calls recorded, the rest cancelled',
    run: async (ctx) => {
      const { tenant, ids } = await tenantWith(ctx, 9);
      ctx.provider.setFaults({ latencyMs: 300 });
      try {
        const ended = await revoke(ctx, projectScope(tenant), { pageSize: 3, pageParallelism: 1 }, async ({ handle }) => {
          while (!Object.values(await connectionStatuses(ctx.h.db, ids)).includes('revoked')) await new Promise((resolve) => setTimeout(resolve, 20));
          await handle.cancel();
        });
        cancelledRun = ended.firstRunId;
        return ended;
      } finally {
        ctx.provider.setFaults({});
      }
    },
  },
  {
    name: 'revoke-retry',
    what: 'a retry of the cancelled run revokes what it left',
    run: (ctx) => {
      if (!cancelledRun) throw new Error('revoke-retry retries the run of revoke-cancelled: run both');
      return revoke(ctx, { kind: 'retry', sourceRunId: cancelledRun });
    },
  },
  {
    name: 'revoke-streamed',
    what: 'a snapshot of two connections a step, one connection a page: pages run while the later steps copy the rest, and the run continues as new with its snapshot still running',
    run: async (ctx) => revoke(ctx, projectScope((await tenantWith(ctx, 16)).tenant), { pageSize: 1, pageParallelism: 2, snapshotPageSize: 2, snapshotStepMs: 0 }),
  },
  {
    name: 'revoke-lane-share',
    what: 'two lanes, the second copied after the first took every page slot: the first stops its newest pages so the second gets its share, and they run again',
    run: async (ctx) => {
      const { tenant } = await tenantWith(ctx, 8);
      const authConfigId = await seedAuthConfig(ctx.h.db, ctx.h.vault, tenant, SECOND_CLIENT, `${ctx.provider.url}/revoke`);
      const pairs = ctx.provider.issueTokens(2, SECOND_CLIENT.clientId);
      for (const pair of pairs) ctx.secrets.add(pair.access_token).add(pair.refresh_token);
      await seedConnections(ctx.h.db, ctx.h.vault, tenant, authConfigId, pairs);
      ctx.provider.setFaults({ latencyMs: 500 });
      try {
        return await revoke(ctx, projectScope(tenant), { pageSize: 1, pageParallelism: 4, maxPagesInFlight: 4, snapshotPageSize: 4, snapshotStepMs: 0 });
      } finally {
        ctx.provider.setFaults({});
      }
    },
  },
  {
    name: 'revoke-continue-as-new',
    what: 'one connection a page: the run continues as new (the dev server suggests it at 40 events) with pages to run again',
    run: async (ctx) => revoke(ctx, projectScope((await tenantWith(ctx, 12)).tenant), { pageSize: 1, pageParallelism: 2 }),
  },
];

/** Worker identities and stack traces name the capturing host and its paths; replay reads neither. */
const SCRUBBED: Record<string, string> = { identity: 'history-capture', stackTrace: '' };

function scrub(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(scrub);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, typeof v === 'string' && key in SCRUBBED ? SCRUBBED[key] : scrub(v)]));
}

function fixtureJson(history: History, secrets: Set<string>, file: string): string {
  const json = `${JSON.stringify(scrub(JSON.parse(historyToJSON(history))), null, 1)}\n`;
  for (const secret of secrets) if (json.includes(secret)) throw new Error(`${file} would hold a credential the scenario seeded: not written`);
  return json;
}

function argument(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : undefined;
}

async function main(): Promise<void> {
  const only = argument('--only')?.split(',');
  const out = path.resolve(argument('--out') ?? HISTORIES_DIR);
  const unknown = only?.filter((name) => !SCENARIOS.some((s) => s.name === name)) ?? [];
  if (unknown.length > 0) throw new Error(`no scenario ${unknown.join(', ')} (there are ${SCENARIOS.map((s) => s.name).join(', ')})`);
  mkdirSync(out, { recursive: true });
  await startTestServices();
  const provider = await createProviderServer({ clients: [CLIENT, SECOND_CLIENT] });
  const h = await startRunHarness({ REVOKE_CONCURRENCY: '2', WEBHOOK_POLL_INTERVAL_MS: '100', WEBHOOK_BACKOFF_BASE_MS: '300', WEBHOOK_BACKOFF_MAX_MS: '600' });
  try {
    for (const scenario of SCENARIOS.filter((s) => !only || only.includes(s.name))) {
      const ctx: Context = { h, provider, secrets: new Set([CLIENT.clientSecret, SECOND_CLIENT.clientSecret]) };
      const ended = await scenario.run(ctx);
      const chain = await fetchRunChain(h.temporal, ended.workflowId, ended.firstRunId);
      const files = chain.map((_, i) => (chain.length === 1 ? `${scenario.name}.json` : `${scenario.name}.${i + 1}.json`));
      // every file is checked before any is written
      const written = chain.map(({ history }, i) => [files[i] as string, fixtureJson(history, ctx.secrets, files[i] as string)] as const);
      for (const [file, json] of written) writeFileSync(path.join(out, file), json);
      const events = chain.map(({ history }) => history.events?.length ?? 0).join('+');
      process.stdout.write(`${scenario.name}: ${scenario.what} -> ${files.join(', ')} (${events} events)\n`);
    }
  } finally {
    await h.stop();
    await provider.close();
    await stopTestServices();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`history capture failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
