import { randomUUID } from 'node:crypto';
import { WORKFLOW_TYPES } from '@at/common';
import { startRunHarness, type RunHarness } from '../../test/run-harness';

let h: RunHarness;

beforeAll(async () => {
  h = await startRunHarness();
});

afterAll(async () => h?.stop());

const get = (path: string, headers?: Record<string, string>) => h.get(path, headers);

const workflowId = `revoke-project-${'a'.repeat(32)}`;

test('the run API rejects a missing or wrong service token with 401 in the error shape', async () => {
  for (const headers of [{}, { authorization: 'Bearer nope' }, { authorization: h.serviceToken }]) {
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
  const result = await h.temporal.workflow.execute(WORKFLOW_TYPES.health, { taskQueue: h.taskQueue, workflowId: `health-${randomUUID()}`, args: [] });
  expect(new Date((result as { database_time: string }).database_time).getTime()).toBeGreaterThan(Date.now() - 60_000);
});
