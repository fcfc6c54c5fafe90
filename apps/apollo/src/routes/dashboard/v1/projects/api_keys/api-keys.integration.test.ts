import { apiKeyHeader, badIds, bearer, expectAuthRequired, expectError, expectFieldError, expectNoSecrets, expectNoServerErrors, walkPages } from '@at/testkit';
import { startTestApollo, type SeededOrg, type SeededProject, type TestApollo } from '../../../../../../test/test-apollo';

let t: TestApollo;
let org: SeededOrg;
let otherOrg: SeededOrg;
let project: SeededProject;
let foreign: SeededProject;
const keys: string[] = [];

beforeAll(async () => {
  t = await startTestApollo();
  org = await t.seed.org('acme');
  otherOrg = await t.seed.org('globex');
  project = await t.seed.project(org.adminToken, 'main');
  foreign = await t.seed.project(otherOrg.adminToken, 'theirs');
  keys.push(org.adminToken, otherOrg.adminToken, project.apiKey, foreign.apiKey);
});
afterAll(async () => t?.stop());

const auth = () => bearer(org.adminToken);
const keysPath = (projectId = project.id) => `/dashboard/v1/projects/${projectId}/api_keys`;

async function createKey(projectId = project.id, as = org) {
  const res = await t.request('POST', keysPath(projectId), { headers: bearer(as.adminToken) });
  expect(res.status).toBe(201);
  keys.push(res.body.api_key);
  return res.body as { id: string; project_id: string; api_key: string; created_at: string };
}

const platformStatus = async (key: string) => (await t.request('GET', '/api/v1/connected_accounts', { headers: apiKeyHeader(key) })).status;

it('every API key route rejects a missing or wrong org token with 401', async () => {
  await expectAuthRequired(
    t,
    [
      { method: 'POST', path: keysPath() },
      { method: 'GET', path: keysPath() },
      { method: 'DELETE', path: `${keysPath()}/${project.apiKeyId}` },
    ],
    [bearer('ato_wrong'), bearer(project.apiKey), apiKeyHeader(project.apiKey)],
  );
});

it('creates a key shown once that authenticates; the list shows ids only', async () => {
  const key = await createKey();
  expect(key).toEqual({ id: expect.stringMatching(/^key_/), project_id: project.id, api_key: expect.stringMatching(/^atk_/), created_at: expect.any(String) });
  expect(await platformStatus(key.api_key)).toBe(200);
  const list = await t.request('GET', keysPath(), { headers: auth() });
  expect(list.status).toBe(200);
  expect(list.body.items).toEqual(
    expect.arrayContaining([
      { id: project.apiKeyId, project_id: project.id, created_at: expect.any(String) },
      { id: key.id, project_id: project.id, created_at: key.created_at },
    ]),
  );
  expectNoSecrets([list.text], keys);
});

it('rejects a body on POST and a malformed project or key id', async () => {
  expectFieldError(await t.request('POST', keysPath(), { headers: auth(), body: { name: 'x' } }), 'body');
  for (const id of badIds('prj')) {
    expectFieldError(await t.request('POST', keysPath(id), { headers: auth() }), 'path.id');
    expectFieldError(await t.request('GET', keysPath(id), { headers: auth() }), 'path.id');
  }
  for (const id of badIds('key')) expectFieldError(await t.request('DELETE', `${keysPath()}/${id}`, { headers: auth() }), 'path.key_id');
});

it("is 404 for another org's project, and for a key of another project", async () => {
  expectError(await t.request('POST', keysPath(foreign.id), { headers: auth() }), 404, 'not_found');
  expectError(await t.request('GET', keysPath(foreign.id), { headers: auth() }), 404, 'not_found');
  expectError(await t.request('DELETE', `${keysPath(foreign.id)}/${foreign.apiKeyId}`, { headers: auth() }), 404, 'not_found');
  // a key of another project addressed through this org's project
  expectError(await t.request('DELETE', `${keysPath()}/${foreign.apiKeyId}`, { headers: auth() }), 404, 'not_found');
  expect(await platformStatus(foreign.apiKey)).toBe(200);
});

it('pages 7 keys 3 at a time; a cursor of another project is a 400', async () => {
  const pager = await t.seed.project(org.adminToken, 'pager');
  keys.push(pager.apiKey);
  const ids = [pager.apiKeyId];
  for (let i = 0; i < 6; i += 1) ids.push((await createKey(pager.id)).id);
  const pages = await walkPages(t, `${keysPath(pager.id)}?limit=3`, auth());
  expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
  expect(pages.flat().map((k) => k.id)).toEqual(ids);

  const first = await t.request('GET', `${keysPath(pager.id)}?limit=3`, { headers: auth() });
  expectFieldError(await t.request('GET', `${keysPath()}?cursor=${encodeURIComponent(first.body.next_cursor)}`, { headers: auth() }), 'query.cursor');
  expectFieldError(await t.request('GET', `${keysPath()}?limit=1000`, { headers: auth() }), 'query.limit');
});

it('DELETE soft-deletes a key: it stops authenticating, other keys keep working', async () => {
  const doomed = await createKey();
  const kept = await createKey();
  const res = await t.request('DELETE', `${keysPath()}/${doomed.id}`, { headers: auth() });
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ id: doomed.id, deleted: true });
  expect(await platformStatus(doomed.api_key)).toBe(401);
  expect(await platformStatus(kept.api_key)).toBe(200);
  const listed = (await walkPages(t, `${keysPath()}?limit=100`, auth())).flat().map((k) => k.id);
  expect(listed).not.toContain(doomed.id);
  expect(listed).toContain(kept.id);
  expect((await t.db.apiKey.findUniqueOrThrow({ where: { id: doomed.id } })).deletedAt).toBeInstanceOf(Date);
  expectError(await t.request('DELETE', `${keysPath()}/${doomed.id}`, { headers: auth() }), 404, 'not_found');
});

it('no key or token appears in the logs, and nothing failed with a 5xx', () => {
  expectNoSecrets(t.logs, keys);
  expectNoServerErrors(t);
});
