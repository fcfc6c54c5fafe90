/**
 * Test harness for whole revoke runs: thermos (worker + run API) on a fresh database and the
 * shared test Temporal server, on a task queue of its own, plus seeding below the API.
 */
import { randomBytes } from 'node:crypto';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { createLogger, dedupKey, newId, WORKFLOW_TYPES, type RevokeTuning, type RevokeWorkflowInput, type RunTarget } from '@at/common';
import type { PrismaClient } from '@at/db';
import type { TokenPair } from '@at/devstack';
import { createTestDatabase, testEnv, type TestDatabase } from '@at/testkit';
import { Vault } from '@at/vault';
import { parseThermosEnv } from '../src/env';
import { startThermos, type Thermos } from '../src/thermos';

// Tests read arbitrary response JSON; typing every body would only restate the schemas.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export type RunHarness = {
  db: PrismaClient;
  vault: Vault;
  temporal: Client;
  taskQueue: string;
  thermos: Thermos;
  /** The token apollo would present to the run API. */
  serviceToken: string;
  /** GET on thermos's HTTP server, with the service token unless `headers` are given; JSON bodies parsed. */
  get(path: string, headers?: Record<string, string>): Promise<{ status: number; body: Json }>;
  run(workflowId: string, runId: string): Promise<Json>;
  /** Polls the run API until the run is no longer running (or the deadline passes). */
  waitForEnd(workflowId: string, runId: string, timeoutMs?: number): Promise<Json>;
  /** Every item of a run, in snapshot order. */
  items(runId: string): Promise<Array<{ seq: number; connectedAccountId: string; outcome: string; errorCode: string | null; errorMessage: string | null; sends: number }>>;
  startRun(target: RunTarget, tuning?: Partial<RevokeTuning>, workflowId?: string): Promise<{ workflowId: string; runId: string; handle: WorkflowHandle }>;
  stop(): Promise<void>;
};

export async function startRunHarness(env: Record<string, string> = {}): Promise<RunHarness> {
  const database: TestDatabase = await createTestDatabase();
  const token = randomBytes(24).toString('hex');
  const taskQueue = `thermos-runs-${randomBytes(4).toString('hex')}`;
  const vaultKeys = `k1:${randomBytes(32).toString('base64')}`;
  const thermos = await startThermos(
    parseThermosEnv({
      DATABASE_URL: database.url,
      TEMPORAL_ADDRESS: testEnv('temporalAddress'),
      TEMPORAL_TASK_QUEUE: taskQueue,
      THERMOS_PORT: '0',
      THERMOS_SERVICE_TOKEN: token,
      CURSOR_SECRET: randomBytes(32).toString('hex'),
      VAULT_KEYS: vaultKeys,
      SHUTDOWN_GRACE_MS: '1000',
      PROVIDER_RATE_LIMITS: JSON.stringify({ oauth2: 0 }),
      PROVIDER_RETRY_BUDGET_MS: '5000',
      PROVIDER_ALLOW_INSECURE_LOOPBACK: 'true',
      ...env,
    }),
    { logger: createLogger({ service: 'thermos', silent: true }) },
  );
  const connection = await Connection.connect({ address: testEnv('temporalAddress') });
  const temporal = new Client({ connection });
  const get = async (path: string, headers: Record<string, string> = { authorization: `Bearer ${token}` }) => {
    const response = await fetch(`${thermos.url}${path}`, { headers });
    const text = await response.text();
    return { status: response.status, body: (response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text) as Json };
  };
  const harness: RunHarness = {
    db: database.db,
    vault: Vault.fromSpec(vaultKeys),
    temporal,
    taskQueue,
    thermos,
    serviceToken: token,
    get,
    async run(workflowId, runId) {
      const res = await get(`/v1/workflows/${workflowId}/runs/${runId}`);
      if (res.status !== 200) throw new Error(`run ${runId}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    },
    async waitForEnd(workflowId, runId, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const run = await harness.run(workflowId, runId);
        if (run.status !== 'running') return run;
        if (Date.now() > deadline) throw new Error(`run still running after ${timeoutMs} ms: ${JSON.stringify(run)}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async items(runId) {
      return database.db.$queryRaw`
        SELECT seq, connected_account_id AS "connectedAccountId", outcome::text AS outcome, error_code AS "errorCode",
               error_message AS "errorMessage", to_jsonb(i) -> 'sends' AS sends
        FROM revoke_items i WHERE run_id = ${runId} ORDER BY seq`;
    },
    async startRun(target, tuning = {}, workflowId = dedupKey(target)) {
      const input: RevokeWorkflowInput = { target, includeDeletedRoot: false, tuning };
      const handle = await temporal.workflow.start(WORKFLOW_TYPES.revoke, { taskQueue, workflowId, args: [input], workflowIdReusePolicy: 'ALLOW_DUPLICATE' });
      return { workflowId, runId: handle.firstExecutionRunId, handle };
    },
    async stop() {
      await thermos.stop();
      await connection.close();
      await database.drop();
    },
  };
  return harness;
}

export type SeededTenant = { orgId: string; projectId: string };

export async function seedTenant(db: PrismaClient): Promise<SeededTenant> {
  const orgId = newId('org');
  const projectId = newId('prj');
  await db.org.create({ data: { id: orgId, name: 'org' } });
  await db.project.create({ data: { id: projectId, orgId, name: 'project' } });
  return { orgId, projectId };
}

/** A generic RFC 7009 auth config pointing at a loopback server. */
export async function seedAuthConfig(db: PrismaClient, vault: Vault, tenant: SeededTenant, client: { clientId: string; clientSecret: string }, revocationEndpoint: string): Promise<string> {
  const id = newId('ac');
  await db.authConfig.create({
    data: {
      id,
      orgId: tenant.orgId,
      projectId: tenant.projectId,
      toolkit: 'oauth2',
      authScheme: 'oauth2',
      clientId: client.clientId,
      clientSecretSealed: vault.sealJson(client.clientSecret, id),
      revocationEndpoint,
    },
  });
  return id;
}

/** One connection per token pair, in order (ids grow with time), with sealed credentials. */
export async function seedConnections(
  db: PrismaClient,
  vault: Vault,
  tenant: SeededTenant,
  authConfigId: string,
  pairs: readonly TokenPair[],
  options: { status?: 'active' | 'needs_reauth'; userId?: (i: number) => string } = {},
): Promise<string[]> {
  const rows = pairs.map((pair, i) => ({ id: newId('ca'), pair, userId: options.userId?.(i) ?? `user-${i}` }));
  await db.connectedAccount.createMany({
    data: rows.map((r) => ({ id: r.id, orgId: tenant.orgId, projectId: tenant.projectId, authConfigId, userId: r.userId, status: options.status ?? 'active' })),
  });
  await db.credential.createMany({
    data: rows.map((r) => ({ connectedAccountId: r.id, sealed: vault.sealJson({ type: 'oauth2', access_token: r.pair.access_token, refresh_token: r.pair.refresh_token }, r.id) })),
  });
  return rows.map((r) => r.id);
}

export async function connectionStatuses(db: PrismaClient, ids: readonly string[]): Promise<Record<string, string>> {
  const rows = await db.connectedAccount.findMany({ where: { id: { in: [...ids] } }, select: { id: true, status: true } });
  return Object.fromEntries(rows.map((r) => [r.id, r.status]));
}
