import { apiKeyHeader, badIds, bearer, expectAuthRequired, expectError, expectFieldError, expectNoSecrets, expectNoServerErrors, walkPages } from '@at/testkit';
import { startTestApollo, type SeededOrg, type TestApollo } from '../../../../../test/test-apollo';

let t: TestApollo;
let org: SeededOrg;
let otherOrg: SeededOrg;
const tokens: string[] = [];

beforeAll(async () => {
  t = await startTestApollo();
  org = await t.seed.org('acme');
  otherOrg = await t.seed.org('globex');
  tokens.push(org.adminToken, otherOrg.adminToken);
});
afterAll(async () => t?.stop());

const auth = () => bearer(org.adminToken);

async function newProject(as: SeededOrg = org, name = 'project') {
  const project = await t.seed.project(as.adminToken, name);
  tokens.push(project.apiKey);
  return project;
}

describe('authentication', () => {
  it('every project route rejects a missing or wrong org token with 401', async () => {
    const project = await newProject();
    const wrong = [bearer('ato_not-a-real-token'), bearer(t.env.ADMIN_TOKEN), bearer(project.apiKey), apiKeyHeader(project.apiKey), { authorization: org.adminToken }];
    await expectAuthRequired(
      t,
      [
        { method: 'POST', path: '/dashboard/v1/projects', body: { name: 'x' } },
        { method: 'GET', path: '/dashboard/v1/projects' },
        { method: 'GET', path: `/dashboard/v1/projects/${project.id}` },
        { method: 'DELETE', path: `/dashboard/v1/projects/${project.id}` },
        { method: 'PATCH', path: `/dashboard/v1/projects/${project.id}`, body: { name: 'x' } },
        // an invalid id still answers 401 first: nothing is revealed before authentication
        { method: 'GET', path: '/dashboard/v1/projects/nope' },
      ],
      wrong,
    );
  });
});

describe('POST /dashboard/v1/projects', () => {
  it('creates a project with a first API key that authenticates the platform API', async () => {
    const res = await t.request('POST', '/dashboard/v1/projects', { headers: auth(), body: { name: '  Billing  ' } });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: expect.stringMatching(/^prj_/), name: 'Billing', api_key: expect.stringMatching(/^atk_/), api_key_id: expect.stringMatching(/^key_/), created_at: expect.any(String) });
    tokens.push(res.body.api_key);
    expect(new Date(res.body.created_at).toISOString()).toBe(res.body.created_at);
    expect((await t.request('GET', '/api/v1/auth_configs', { headers: apiKeyHeader(res.body.api_key) })).status).toBe(200);
    const stored = await t.db.apiKey.findUniqueOrThrow({ where: { id: res.body.api_key_id } });
    expect(JSON.stringify(stored)).not.toContain(res.body.api_key);
  });

  it.each([
    ['an unknown field', { name: 'x', owner: 'me' }, 'body.owner'],
    ['a missing name', {}, 'body.name'],
    ['a name of the wrong type', { name: 42 }, 'body.name'],
    ['a blank name', { name: '   ' }, 'body.name'],
    ['a name over 200 characters', { name: 'x'.repeat(201) }, 'body.name'],
    ['a name with a control character', { name: 'a\u0000b' }, 'body.name'],
    ['a name with a newline inside', { name: 'a\nb' }, 'body.name'],
  ])('rejects %s with 400 naming the field', async (_label, body, field) => {
    expectFieldError(await t.request('POST', '/dashboard/v1/projects', { headers: auth(), body }), field);
  });

  it('rejects malformed JSON with 400 invalid_json and other media types with 415', async () => {
    expectError(await t.request('POST', '/dashboard/v1/projects', { headers: { ...auth(), 'content-type': 'application/json' }, rawBody: '{"name":' }), 400, 'invalid_json');
    expectError(await t.request('POST', '/dashboard/v1/projects', { headers: { ...auth(), 'content-type': 'text/plain' }, rawBody: 'name=x' }), 415, 'unsupported_media_type');
    expectError(await t.request('POST', '/dashboard/v1/projects', { headers: { ...auth(), 'content-type': 'application/x-www-form-urlencoded' }, rawBody: 'name=x' }), 415);
    expectFieldError(await t.request('POST', '/dashboard/v1/projects', { headers: { ...auth(), 'content-type': 'application/json' }, rawBody: '[]' }), 'body');
  });
});

describe('GET /dashboard/v1/projects/{id}', () => {
  it('returns a project of the org', async () => {
    const project = await newProject(org, 'Reports');
    const res = await t.request('GET', `/dashboard/v1/projects/${project.id}`, { headers: auth() });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: project.id, name: 'Reports', allowed_redirect_uris: [], created_at: expect.any(String), updated_at: expect.any(String) });
  });

  it('PATCH sets the allowed redirect URIs (exact strings) and the name; bad URIs are 400 naming the entry', async () => {
    const project = await newProject(org, 'Redirects');
    const uris = ['https://app.example/connected', 'http://127.0.0.1:8080/done'];
    const res = await t.request('PATCH', `/dashboard/v1/projects/${project.id}`, { headers: auth(), body: { allowed_redirect_uris: uris, name: 'Renamed' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: project.id, name: 'Renamed', allowed_redirect_uris: uris });
    for (const [body, path] of [
      [{ allowed_redirect_uris: ['http://app.example/x'] }, 'body.allowed_redirect_uris.0'],
      [{ allowed_redirect_uris: ['https://app.example/x', 'https://app.example/x#f'] }, 'body.allowed_redirect_uris.1'],
      [{ allowed_redirect_uris: ['https://a.example/x', 'https://a.example/x'] }, 'body.allowed_redirect_uris'],
      [{}, 'body'],
    ] as const) {
      const refused = await t.request('PATCH', `/dashboard/v1/projects/${project.id}`, { headers: auth(), body });
      expect(refused.status).toBe(400);
      expect(refused.body.error.fields).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
    }
    expect((await t.request('GET', `/dashboard/v1/projects/${project.id}`, { headers: auth() })).body.allowed_redirect_uris).toEqual(uris);
  });

  it("PATCH is 404 for another org's project", async () => {
    const theirs = await newProject(otherOrg, 'Theirs');
    const res = await t.request('PATCH', `/dashboard/v1/projects/${theirs.id}`, { headers: auth(), body: { allowed_redirect_uris: ['https://evil.example/x'] } });
    expectError(res, 404, 'not_found');
  });

  it("is 404 for another org's project and for an unknown id, on GET and DELETE", async () => {
    const foreign = await newProject(otherOrg);
    for (const id of [foreign.id, 'prj_00000000000000000000000000']) {
      expectError(await t.request('GET', `/dashboard/v1/projects/${id}`, { headers: auth() }), 404, 'not_found');
      expectError(await t.request('DELETE', `/dashboard/v1/projects/${id}`, { headers: auth() }), 404, 'not_found');
    }
    expect((await t.db.project.findUniqueOrThrow({ where: { id: foreign.id } })).deletedAt).toBeNull();
    expect((await t.request('GET', `/dashboard/v1/projects/${foreign.id}`, { headers: bearer(otherOrg.adminToken) })).status).toBe(200);
  });

  it.each(badIds('prj'))('rejects the malformed id %s with 400 on path.id', async (id) => {
    expectFieldError(await t.request('GET', `/dashboard/v1/projects/${id}`, { headers: auth() }), 'path.id');
    expectFieldError(await t.request('DELETE', `/dashboard/v1/projects/${id}`, { headers: auth() }), 'path.id');
  });
});

describe('GET /dashboard/v1/projects', () => {
  it('walks 7 projects 3 at a time in 3 pages without duplicates, only its own org', async () => {
    const lister = await t.seed.org('lister');
    tokens.push(lister.adminToken);
    const ids: string[] = [];
    for (let i = 0; i < 7; i += 1) ids.push((await newProject(lister, `p${i}`)).id);
    await newProject(otherOrg);
    const pages = await walkPages(t, '/dashboard/v1/projects?limit=3', bearer(lister.adminToken));
    expect(pages.map((page) => page.length)).toEqual([3, 3, 1]);
    expect(pages.flat().map((p) => p.id)).toEqual(ids);
  });

  it.each([
    ['limit=1000', 'query.limit'],
    ['limit=0', 'query.limit'],
    ['limit=abc', 'query.limit'],
    ['cursor=forged.cursor', 'query.cursor'],
    ['cursor=bm9wZQ', 'query.cursor'],
    ['sort=name', 'query.sort'],
  ])('rejects ?%s with 400', async (query, field) => {
    expectFieldError(await t.request('GET', `/dashboard/v1/projects?${query}`, { headers: auth() }), field);
  });

  it("rejects another org's cursor with 400", async () => {
    for (let i = 0; i < 2; i += 1) await newProject(otherOrg);
    const theirs = await t.request('GET', '/dashboard/v1/projects?limit=1', { headers: bearer(otherOrg.adminToken) });
    expect(theirs.body.next_cursor).toEqual(expect.any(String));
    expectFieldError(await t.request('GET', `/dashboard/v1/projects?limit=1&cursor=${encodeURIComponent(theirs.body.next_cursor)}`, { headers: auth() }), 'query.cursor');
  });
});

describe('DELETE /dashboard/v1/projects/{id}', () => {
  it('soft-deletes: 200 not_requested, then 404, absent from the list, row kept, key dead, siblings untouched', async () => {
    const doomed = await newProject(org, 'doomed');
    const sibling = await newProject(org, 'sibling');
    expect((await t.request('GET', '/api/v1/auth_configs', { headers: apiKeyHeader(doomed.apiKey) })).status).toBe(200);

    const res = await t.request('DELETE', `/dashboard/v1/projects/${doomed.id}`, { headers: auth() });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: doomed.id, deleted: true, revocation: 'not_requested' });

    expectError(await t.request('GET', `/dashboard/v1/projects/${doomed.id}`, { headers: auth() }), 404, 'not_found');
    const listed = (await walkPages(t, '/dashboard/v1/projects?limit=100', auth())).flat().map((p) => p.id);
    expect(listed).not.toContain(doomed.id);
    expect(listed).toContain(sibling.id);
    expect((await t.db.project.findUniqueOrThrow({ where: { id: doomed.id } })).deletedAt).toBeInstanceOf(Date);
    // no cascade: the key row stays, it just no longer authenticates
    expect((await t.db.apiKey.findUniqueOrThrow({ where: { id: doomed.apiKeyId } })).deletedAt).toBeNull();
    expectError(await t.request('GET', '/api/v1/auth_configs', { headers: apiKeyHeader(doomed.apiKey) }), 401, 'unauthenticated');
    expectError(await t.request('DELETE', `/dashboard/v1/projects/${doomed.id}`, { headers: auth() }), 404, 'not_found');

    expect((await t.db.project.findUniqueOrThrow({ where: { id: sibling.id } })).deletedAt).toBeNull();
    expect((await t.request('GET', '/api/v1/auth_configs', { headers: apiKeyHeader(sibling.apiKey) })).status).toBe(200);
  });

  it('accepts revoke_on_delete=false and rejects other values and unknown parameters', async () => {
    const project = await newProject();
    expectFieldError(await t.request('DELETE', `/dashboard/v1/projects/${project.id}?revoke_on_delete=yes`, { headers: auth() }), 'query.revoke_on_delete');
    expectFieldError(await t.request('DELETE', `/dashboard/v1/projects/${project.id}?force=true`, { headers: auth() }), 'query.force');
    const res = await t.request('DELETE', `/dashboard/v1/projects/${project.id}?revoke_on_delete=false`, { headers: auth() });
    expect(res.body).toEqual({ id: project.id, deleted: true, revocation: 'not_requested' });
  });
});

describe('secrets', () => {
  it('no org token or API key appears in the logs, and no request failed with a 5xx', () => {
    expect(t.logs.length).toBeGreaterThan(0);
    expectNoSecrets(t.logs, tokens);
    expectNoServerErrors(t);
  });
});
