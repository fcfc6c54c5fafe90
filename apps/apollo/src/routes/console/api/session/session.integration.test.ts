import { bearer, expectError, expectFieldError, expectNoSecrets, expectNoServerErrors, type TestResponse } from '@at/testkit';
import { startTestApollo, type SeededOrg, type TestApollo } from '../../../../../test/test-apollo';

let t: TestApollo;
let org: SeededOrg;
let otherOrg: SeededOrg;
const secrets: string[] = [];
const TTL = 600;

beforeAll(async () => {
  t = await startTestApollo({ env: { CONSOLE_SESSION_TTL_SECONDS: String(TTL) } });
  org = await t.seed.org('acme');
  otherOrg = await t.seed.org('globex');
  secrets.push(org.adminToken, otherOrg.adminToken);
});
afterAll(async () => t?.stop());

type Session = { cookie: string; csrf: string; setCookie: string; body: TestResponse['body'] };

async function signIn(token = org.adminToken, headers: Record<string, string> = {}): Promise<Session> {
  const res = await t.request('POST', '/console/api/session', { headers, body: { token } });
  expect(res.status).toBe(201);
  const setCookie = res.headers.get('set-cookie') ?? '';
  const cookie = setCookie.split(';')[0] ?? '';
  secrets.push(cookie.split('=')[1] ?? '', res.body.csrf_token);
  return { cookie, csrf: res.body.csrf_token, setCookie, body: res.body };
}

const withCookie = (session: Session, extra: Record<string, string> = {}) => ({ cookie: session.cookie, ...extra });
const withCsrf = (session: Session) => withCookie(session, { 'x-csrf-token': session.csrf });

describe('POST /console/api/session (sign in)', () => {
  it('exchanges an org admin token for an HttpOnly, SameSite=Strict session cookie and a CSRF token', async () => {
    const session = await signIn();
    expect(session.setCookie).toMatch(/^at_console_session=acs_[A-Za-z0-9_-]{43}; Path=\/; Max-Age=600; HttpOnly; SameSite=Strict$/);
    expect(session.body).toEqual({
      org_id: org.id,
      org_name: 'acme',
      expires_at: expect.any(String),
      csrf_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      temporal: { ui_url: 'http://127.0.0.1:8233', namespace: 'default' },
    });
    // the session lasts CONSOLE_SESSION_TTL_SECONDS from now
    const lifetime = (Date.parse(session.body.expires_at) - Date.now()) / 1000;
    expect(lifetime).toBeGreaterThan(TTL - 120);
    expect(lifetime).toBeLessThanOrEqual(TTL + 1);
    expect(JSON.stringify(session.body)).not.toContain(org.adminToken);
  });

  it('marks the cookie Secure when the console is reached over https (through a proxy)', async () => {
    const session = await signIn(org.adminToken, { 'x-forwarded-proto': 'https' });
    expect(session.setCookie).toMatch(/; Secure$/);
  });

  it('stores only hashes: neither the cookie secret nor the CSRF token is in the database', async () => {
    const session = await signIn();
    const rows = await t.db.consoleSession.findMany({ where: { orgId: org.id } });
    expect(rows.length).toBeGreaterThan(0);
    const text = JSON.stringify(rows);
    expect(text).not.toContain(session.cookie.split('=')[1]);
    expect(text).not.toContain(session.csrf);
  });

  it.each([
    ['a wrong token', 'ato_not-a-real-token'],
    ['the admin token', 'admin'],
  ])('refuses %s with 401', async (_label, token) => {
    const res = await t.request('POST', '/console/api/session', { body: { token: token === 'admin' ? t.env.ADMIN_TOKEN : token } });
    expectError(res, 401, 'unauthenticated');
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it.each([
    ['a missing token', {}, 'body.token'],
    ['an unknown field', { token: 'x', org: 'y' }, 'body.org'],
    ['a token of the wrong type', { token: 42 }, 'body.token'],
    ['an overlong token', { token: 'x'.repeat(300) }, 'body.token'],
  ])('rejects %s with 400', async (_label, body, field) => {
    expectFieldError(await t.request('POST', '/console/api/session', { body }), field);
  });
});

describe('the dashboard with a session cookie', () => {
  it('reads with the cookie alone', async () => {
    const session = await signIn();
    const res = await t.request('GET', '/dashboard/v1/projects', { headers: withCookie(session) });
    expect(res.status).toBe(200);
    expect((await t.request('GET', '/console/api/session', { headers: withCookie(session) })).body).toMatchObject({ org_id: org.id, csrf_token: session.csrf });
  });

  it('refuses a state change without the CSRF token, or with a wrong or foreign one, with 403 and changes nothing', async () => {
    const session = await signIn();
    const foreign = await signIn(otherOrg.adminToken);
    for (const headers of [withCookie(session), withCookie(session, { 'x-csrf-token': 'nope' }), withCookie(session, { 'x-csrf-token': foreign.csrf })]) {
      const res = await t.request('POST', '/dashboard/v1/projects', { headers, body: { name: 'csrf victim' } });
      expectError(res, 403, 'csrf_token_invalid');
    }
    expect(await t.db.project.count({ where: { name: 'csrf victim' } })).toBe(0);
    const created = await t.request('POST', '/dashboard/v1/projects', { headers: withCsrf(session), body: { name: 'made in the console' } });
    expect(created.status).toBe(201);
    secrets.push(created.body.api_key);
  });

  it("acts for its own org only: another org's project is a 404", async () => {
    const theirs = await t.seed.project(otherOrg.adminToken, 'theirs');
    secrets.push(theirs.apiKey);
    const session = await signIn();
    expectError(await t.request('GET', `/dashboard/v1/projects/${theirs.id}`, { headers: withCookie(session) }), 404, 'not_found');
  });

  it('lets an Authorization header win over the cookie: a wrong bearer token is a 401 even with a live session', async () => {
    const session = await signIn();
    expectError(await t.request('GET', '/dashboard/v1/projects', { headers: withCookie(session, bearer('ato_wrong')) }), 401, 'unauthenticated');
  });

  it('refuses a malformed, unknown or forged cookie with 401', async () => {
    for (const cookie of ['at_console_session=acs_forged', 'at_console_session=', 'at_console_session=a;b', `at_console_session=${'x'.repeat(400)}`, 'other=1']) {
      expectError(await t.request('GET', '/dashboard/v1/projects', { headers: { cookie } }), 401, 'unauthenticated');
      expectError(await t.request('GET', '/console/api/session', { headers: { cookie } }), 401, 'unauthenticated');
    }
  });

  it('does not accept a bearer token on the session endpoints', async () => {
    expectError(await t.request('GET', '/console/api/session', { headers: bearer(org.adminToken) }), 401, 'unauthenticated');
  });
});

describe('ending a session', () => {
  it('an expired session is refused everywhere with 401', async () => {
    const session = await signIn();
    await t.db.consoleSession.updateMany({ where: { orgId: org.id, expiresAt: { gt: new Date() } }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expectError(await t.request('GET', '/console/api/session', { headers: withCookie(session) }), 401, 'unauthenticated');
    expectError(await t.request('GET', '/dashboard/v1/projects', { headers: withCookie(session) }), 401, 'unauthenticated');
  });

  it('DELETE needs the CSRF token, then ends the session server-side and clears the cookie', async () => {
    const session = await signIn();
    expectError(await t.request('DELETE', '/console/api/session', { headers: withCookie(session) }), 403, 'csrf_token_invalid');
    const res = await t.request('DELETE', '/console/api/session', { headers: withCsrf(session) });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ signed_out: true });
    expect(res.headers.get('set-cookie')).toBe('at_console_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict');
    // the old cookie, replayed, is dead
    expectError(await t.request('GET', '/dashboard/v1/projects', { headers: withCookie(session) }), 401, 'unauthenticated');
    expectError(await t.request('DELETE', '/console/api/session', { headers: withCsrf(session) }), 401, 'unauthenticated');
  });

  it('a session dies with its org admin token', async () => {
    const fresh = await t.seed.org('short-lived');
    secrets.push(fresh.adminToken);
    const session = await signIn(fresh.adminToken);
    expect((await t.request('GET', '/dashboard/v1/projects', { headers: withCookie(session) })).status).toBe(200);
    await t.db.orgAdminToken.updateMany({ where: { orgId: fresh.id }, data: { deletedAt: new Date() } });
    expectError(await t.request('GET', '/dashboard/v1/projects', { headers: withCookie(session) }), 401, 'unauthenticated');
    expectError(await t.request('POST', '/console/api/session', { body: { token: fresh.adminToken } }), 401, 'unauthenticated');
  });
});

describe('secrets', () => {
  it('no token, cookie secret or CSRF token appears in the logs, and no request failed with a 5xx', () => {
    expectNoSecrets(t.logs, secrets.filter(Boolean));
    expectNoServerErrors(t);
  });
});
