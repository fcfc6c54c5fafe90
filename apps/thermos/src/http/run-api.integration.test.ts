import { randomBytes, randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { createLogger, WORKFLOW_TYPES } from '@at/common';
import { createTestDatabase, testEnv, type TestDatabase } from '@at/testkit';
import { parseThermosEnv } from '../env';
import { startThermos, type Thermos } from '../thermos';

let database: TestDatabase;
let thermos: Thermos;
const token = randomBytes(24).toString('hex');
const taskQueue = `thermos-test-${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  database = await createTestDatabase();
  thermos = await startThermos(
    parseThermosEnv({
      DATABASE_URL: database.url,
      TEMPORAL_ADDRESS: testEnv('temporalAddress'),
      TEMPORAL_TASK_QUEUE: taskQueue,
      THERMOS_PORT: '0',
      THERMOS_SERVICE_TOKEN: token,
      CURSOR_SECRET: randomBytes(32).toString('hex'),
      VAULT_KEYS: `k1:${randomBytes(32).toString('base64')}`,
      SHUTDOWN_GRACE_MS: '1000',
    }),
    { logger: createLogger({ service: 'thermos', silent: true }) },
  );
});

afterAll(async () => {
  await thermos.stop();
  await database.drop();
});

const get = async (path: string, headers: Record<string, string> = { authorization: `Bearer ${token}` }) => {
  const response = await fetch(`${thermos.url}${path}`, { headers });
  const text = await response.text();
  return { status: response.status, body: (response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text) as Record<string, unknown> };
};

const workflowId = `revoke-project-${'a'.repeat(32)}`;

test('the run API rejects a missing or wrong service token with 401 in the error shape', async () => {
  for (const headers of [{}, { authorization: 'Bearer nope' }, { authorization: token }]) {
    const res = await get(`/v1/workflows/${workflowId}/runs/${randomUUID()}`, headers);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: { code: 'unauthenticated', message: expect.any(String), request_id: expect.any(String) } });
  }
});

test('malformed workflow and run ids are 400 with field errors; an unknown run is 404', async () => {
  const bad = await get(`/v1/workflows/nope/runs/also-nope`);
  expect(bad.status).toBe(400);
  expect((bad.body['error'] as { fields: Array<{ path: string }> }).fields.map((f) => f.path).sort()).toEqual(['path.run_id', 'path.workflow_id']);
  const unknown = await get(`/v1/workflows/${workflowId}/runs/${randomUUID()}`);
  expect(unknown.status).toBe(404);
  const items = await get(`/v1/workflows/${workflowId}/runs/${randomUUID()}/items?limit=5000`);
  expect(items.status).toBe(400);
});

test('health, readiness, metrics, the OpenAPI document and its reference page are served', async () => {
  expect((await get('/livez', {})).status).toBe(200);
  expect(await get('/readyz', {})).toMatchObject({ status: 200, body: { status: 'ok', checks: { database: 'ok', temporal: 'ok' } } });
  expect((await get('/metrics', {})).body).toContain('http_requests_total');
  const doc = await get('/openapi.json', {});
  expect(Object.keys(doc.body['paths'] as object).sort()).toEqual(['/v1/workflows/{workflow_id}/runs/{run_id}', '/v1/workflows/{workflow_id}/runs/{run_id}/items']);
  expect(String((await get('/docs', {})).body)).toContain('swagger-ui');
});

test('the health workflow runs on the worker and reads Postgres: the stack works end to end', async () => {
  const connection = await Connection.connect({ address: testEnv('temporalAddress') });
  try {
    const result = await new Client({ connection }).workflow.execute(WORKFLOW_TYPES.health, { taskQueue, workflowId: `health-${randomUUID()}`, args: [] });
    expect(new Date((result as { database_time: string }).database_time).getTime()).toBeGreaterThan(Date.now() - 60_000);
  } finally {
    await connection.close();
  }
});
