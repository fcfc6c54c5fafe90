/**
 * What a failed workflow start answers: only Temporal being unreachable is a 503 the caller
 * may retry; anything else Temporal refuses (here, a namespace that does not exist: a
 * configuration bug) is a 500 with an error id in the log, never "retry later".
 */
import { freePort } from '@at/devstack';
import { apiKeyHeader } from '@at/testkit';
import { startTestApollo, type TestApollo } from '../../../test/test-apollo';

const started: TestApollo[] = [];

afterAll(async () => {
  await Promise.all(started.map((a) => a.stop()));
});

async function apolloWith(env: Record<string, string>): Promise<TestApollo> {
  const apollo = await startTestApollo({ env });
  started.push(apollo);
  return apollo;
}

async function projectJob(apollo: TestApollo) {
  const org = await apollo.seed.org();
  const project = await apollo.seed.project(org.adminToken);
  return apollo.request('POST', '/api/v1/revoke_jobs', { headers: apiKeyHeader(project.apiKey), body: { scope: { type: 'project' } } });
}

test('Temporal unreachable: 503 dependency_unavailable with Retry-After, no job recorded', async () => {
  const apollo = await apolloWith({ TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}` });
  const res = await projectJob(apollo);
  expect(res.status).toBe(503);
  expect(res.body).toEqual({ error: { code: 'dependency_unavailable', message: expect.any(String), request_id: expect.any(String) } });
  expect(res.headers.get('retry-after')).toBe('5');
  expect(await apollo.db.job.count()).toBe(0);
}, 60_000);

test('Temporal refusing the start for another reason (unknown namespace): 500 with an error id, logged as an error', async () => {
  const apollo = await apolloWith({ TEMPORAL_NAMESPACE: 'no-such-namespace' });
  const res = await projectJob(apollo);
  expect(res.status).toBe(500);
  expect(res.body).toEqual({ error: { code: 'internal_error', message: 'internal error', request_id: expect.any(String), error_id: expect.any(String) } });
  const logged = apollo.logs.map((line) => JSON.parse(line) as Record<string, unknown>).find((entry) => entry['error_id'] === res.body.error.error_id);
  expect(logged).toMatchObject({ level: 'error' });
  expect(await apollo.db.job.count()).toBe(0);
}, 60_000);
