/** The documented vendor answers of the provider server, as a client sees them on the wire. */
import { createProviderServer, type ProviderServer } from './server';

const CLIENT = { clientId: 'vendor-app', clientSecret: 'vendor-secret' };
let server: ProviderServer;
beforeAll(async () => {
  server = await createProviderServer({ clients: [CLIENT] });
});
afterAll(async () => server.close());
afterEach(() => server.setFaults({}));

const basic = `Basic ${Buffer.from(`${CLIENT.clientId}:${CLIENT.clientSecret}`).toString('base64')}`;
async function call(method: string, path: string, init: { headers?: Record<string, string>; body?: string } = {}) {
  const res = await fetch(`${server.url}${path}`, { method, headers: init.headers ?? {}, ...(init.body === undefined ? {} : { body: init.body }) });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}
const form = (fields: Record<string, string>) => ({ 'content-type': 'application/x-www-form-urlencoded', body: new URLSearchParams(fields).toString() });
const post = (path: string, headers: Record<string, string>, fields: Record<string, string> = {}) => {
  const { body, ...type } = form(fields);
  return call('POST', path, { headers: { ...type, ...headers }, body });
};

describe('Slack', () => {
  test('auth.revoke: ok+revoked for a live token (its grant ends), then token_revoked; invalid_auth for an unknown one', async () => {
    const [pair] = server.issueTokens(1, CLIENT.clientId);
    expect(await post('/api/auth.revoke', { authorization: `Bearer ${pair!.access_token}` })).toEqual({ status: 200, body: { ok: true, revoked: true } });
    expect(server.check([pair!.access_token, pair!.refresh_token]).active).toBe(0);
    expect(await post('/api/auth.revoke', { authorization: `Bearer ${pair!.access_token}` })).toEqual({ status: 200, body: { ok: false, error: 'token_revoked' } });
    expect(await post('/api/auth.revoke', { authorization: 'Bearer nope' })).toEqual({ status: 200, body: { ok: false, error: 'invalid_auth' } });
    expect(await post('/api/auth.revoke', {})).toEqual({ status: 200, body: { ok: false, error: 'not_authed' } });
  });

  test('test=1 revokes nothing and says revoked:false; a disallowed IP gets invalid_auth for a live token', async () => {
    const [pair] = server.issueTokens(1, CLIENT.clientId);
    expect(await post('/api/auth.revoke', { authorization: `Bearer ${pair!.access_token}` }, { test: '1' })).toEqual({ status: 200, body: { ok: true, revoked: false } });
    server.setFaults({ slackIpRestricted: true });
    expect(await post('/api/auth.revoke', { authorization: `Bearer ${pair!.access_token}` })).toEqual({ status: 200, body: { ok: false, error: 'invalid_auth' } });
    expect(server.check([pair!.access_token]).active).toBe(1);
  });

  test('an expired access token is token_expired; oauth.v2.access rotates both tokens and the old refresh token is spent', async () => {
    const [pair] = server.issueTokens(1, CLIENT.clientId, { expired: true });
    expect(await post('/api/auth.revoke', { authorization: `Bearer ${pair!.access_token}` })).toEqual({ status: 200, body: { ok: false, error: 'token_expired' } });
    const refreshed = await post('/api/oauth.v2.access', { authorization: basic }, { grant_type: 'refresh_token', refresh_token: pair!.refresh_token });
    expect(refreshed).toEqual({ status: 200, body: { ok: true, access_token: expect.any(String), refresh_token: expect.any(String), expires_in: 43200, token_type: 'user' } });
    expect(server.rotations().at(-1)).toEqual({ access_token: (refreshed.body as { access_token: string }).access_token, refresh_token: (refreshed.body as { refresh_token: string }).refresh_token });
    expect(server.check([pair!.refresh_token]).active).toBe(0);
    expect(await post('/api/oauth.v2.access', { authorization: basic }, { grant_type: 'refresh_token', refresh_token: pair!.refresh_token })).toEqual({ status: 200, body: { ok: false, error: 'invalid_refresh_token' } });
    expect((await post('/api/oauth.v2.access', { authorization: `Basic ${Buffer.from(`${CLIENT.clientId}:wrong`).toString('base64')}` }, { grant_type: 'refresh_token', refresh_token: 'x' })).body).toEqual({ ok: false, error: 'bad_client_secret' });
  });
});

describe('GitHub', () => {
  const grant = (token: string, auth = basic, clientId = CLIENT.clientId) =>
    call('DELETE', `/applications/${encodeURIComponent(clientId)}/grant`, { headers: { authorization: auth, 'content-type': 'application/json' }, body: JSON.stringify({ access_token: token }) });

  test('deleting the grant is 204 and ends every token of it; then 404, as for an unknown or expired token', async () => {
    const [live, expired] = server.issueTokens(1, CLIENT.clientId).concat(server.issueTokens(1, CLIENT.clientId, { expired: true }));
    expect((await grant(live!.access_token)).status).toBe(204);
    expect(server.check([live!.access_token, live!.refresh_token]).active).toBe(0);
    expect((await grant(live!.access_token)).status).toBe(404);
    expect((await grant('unknown')).status).toBe(404);
    expect((await grant(expired!.access_token)).status).toBe(404);
    // a client id in the path that is not the caller's: 404 too, which is what makes a 404 ambiguous
    expect((await grant(expired!.access_token, basic, 'someone-else')).status).toBe(404);
    expect((await grant(live!.access_token, 'Basic eDp5')).status).toBe(401);
  });

  test('the token endpoint: bad_refresh_token and incorrect_client_credentials on 200; a refresh rotates both tokens', async () => {
    const refresh = (fields: Record<string, string>) => post('/login/oauth/access_token', { accept: 'application/json' }, { client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret, grant_type: 'refresh_token', ...fields });
    expect(await refresh({ refresh_token: 'probe' })).toEqual({ status: 200, body: { error: 'bad_refresh_token', error_description: expect.any(String) } });
    expect(await refresh({ client_secret: 'wrong', refresh_token: 'probe' })).toEqual({ status: 200, body: { error: 'incorrect_client_credentials', error_description: expect.any(String) } });
    const [pair] = server.issueTokens(1, CLIENT.clientId, { expired: true });
    const fresh = await refresh({ refresh_token: pair!.refresh_token });
    expect(fresh.body).toEqual({ access_token: expect.any(String), expires_in: 28800, refresh_token: expect.any(String), refresh_token_expires_in: 15811200, scope: '', token_type: 'bearer' });
    expect(server.check([pair!.refresh_token]).active).toBe(0);
    expect(server.check([(fresh.body as { access_token: string }).access_token]).active).toBe(1);
  });
});

describe('Dropbox', () => {
  test('token/revoke ends the grant (200 null); an unknown token is 401 invalid_access_token, an expired one expired_access_token', async () => {
    const [pair] = server.issueTokens(1, CLIENT.clientId);
    expect(await call('POST', '/2/auth/token/revoke', { headers: { authorization: `Bearer ${pair!.access_token}` } })).toEqual({ status: 200, body: null });
    expect(server.check([pair!.access_token, pair!.refresh_token]).active).toBe(0);
    expect(await call('POST', '/2/auth/token/revoke', { headers: { authorization: `Bearer ${pair!.access_token}` } })).toEqual({ status: 401, body: { error_summary: 'invalid_access_token/', error: { '.tag': 'invalid_access_token' } } });
    const [expired] = server.issueTokens(1, CLIENT.clientId, { expired: true });
    expect((await call('POST', '/2/auth/token/revoke', { headers: { authorization: `Bearer ${expired!.access_token}` } })).body).toEqual({ error_summary: 'expired_access_token/', error: { '.tag': 'expired_access_token' } });
  });

  test('a refresh issues a new access token and keeps the refresh token; a dead one is invalid_grant', async () => {
    const [pair] = server.issueTokens(1, CLIENT.clientId, { expired: true });
    const fresh = await post('/oauth2/token', { authorization: basic }, { grant_type: 'refresh_token', refresh_token: pair!.refresh_token });
    expect(fresh.body).toEqual({ access_token: expect.any(String), token_type: 'bearer', expires_in: 14400 });
    expect(server.check([pair!.refresh_token]).active).toBe(1);
    const access = (fresh.body as { access_token: string }).access_token;
    expect((await call('POST', '/2/auth/token/revoke', { headers: { authorization: `Bearer ${access}` } })).status).toBe(200);
    // revoking the new access token ended its refresh token and the old access token too
    expect(server.check([pair!.refresh_token, pair!.access_token, access]).active).toBe(0);
    expect(await post('/oauth2/token', { authorization: basic }, { grant_type: 'refresh_token', refresh_token: pair!.refresh_token })).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: 'refresh token is invalid or revoked' } });
  });
});

test('revokeUnavailable fails every vendor revocation with 503 and leaves the token endpoints working', async () => {
  server.setFaults({ revokeUnavailable: true });
  const [pair] = server.issueTokens(1, CLIENT.clientId);
  expect((await post('/api/auth.revoke', { authorization: `Bearer ${pair!.access_token}` })).status).toBe(503);
  expect((await call('POST', '/2/auth/token/revoke', { headers: { authorization: `Bearer ${pair!.access_token}` } })).status).toBe(503);
  expect((await post('/api/oauth.v2.access', { authorization: basic }, { grant_type: 'refresh_token', refresh_token: pair!.refresh_token })).status).toBe(200);
});
