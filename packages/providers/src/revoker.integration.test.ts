import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { catalogEntries, type ProviderCatalogEntry, type SupportedRevocation } from './catalog';
import { createRevoker } from './revoker';
import type { OAuthCredential, RateLimiter, RevokeRequest, RevokeResult, RevokerOptions } from './types';

// Every secret below contains SECRET, so one substring check proves none leaked.
const ACCESS = 'at-SECRET-access-1';
const REFRESH = 'rt-SECRET-refresh-1';
const CLIENT = { clientId: 'client id:1', clientSecret: 'cs-SECRET&client' };
const FRESH_ACCESS = 'at-SECRET-fresh';
const PAST = new Date(Date.now() - 3_600_000).toISOString();
const FUTURE = new Date(Date.now() + 3_600_000).toISOString();

type Recorded = { method: string; path: string; headers: IncomingHttpHeaders; body: string; at: number };
type Reply = { status: number; body?: unknown; headers?: Record<string, string>; delayMs?: number };
type FakeProvider = { baseUrl: string; requests: Recorded[]; close(): Promise<void> };

/** A loopback HTTP server standing in for a provider: records each request, answers from `reply`. */
async function fakeProvider(reply: (req: Recorded, index: number) => Reply): Promise<FakeProvider> {
  const requests: Recorded[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString(), at: Date.now() };
      requests.push(recorded);
      const answer = reply(recorded, requests.length - 1);
      setTimeout(() => {
        if (res.destroyed) return;
        const text = answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
        res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
        res.end(text);
      }, answer.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const servers: FakeProvider[] = [];
async function provider(reply: (req: Recorded, index: number) => Reply): Promise<FakeProvider> {
  const p = await fakeProvider(reply);
  servers.push(p);
  return p;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const fastRetry: NonNullable<RevokerOptions['retry']> = { maxAttempts: 6, maxDelayMs: 50, budgetMs: 10_000 };
// the fake providers listen on plain http on loopback
const LOCAL = { allowInsecureLoopback: true };

/** Revokes and checks, for every result, that no secret made it into it. */
async function revoke(req: RevokeRequest, options: RevokerOptions = {}): Promise<RevokeResult> {
  const result = await createRevoker({ retry: fastRetry, egress: LOCAL, ...options }).revoke(req);
  expect(JSON.stringify(result)).not.toContain('SECRET');
  return result;
}

function oauth(toolkit: string, credential: Partial<{ refresh_token: string; expires_at: string }> = {}, client: RevokeRequest['client'] = CLIENT): RevokeRequest {
  return { toolkit, authScheme: 'oauth2', client, credential: { type: 'oauth2', access_token: ACCESS, ...credential } };
}

function basic(headers: IncomingHttpHeaders): string {
  const value = headers.authorization ?? '';
  expect(value.startsWith('Basic ')).toBe(true);
  return Buffer.from(value.slice(6), 'base64').toString();
}

function form(body: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(body));
}

describe('generic oauth2 (RFC 7009)', () => {
  test('revokes the refresh token, then the access token, with client_secret_basic and token_type_hint', async () => {
    const p = await provider(() => ({ status: 200 }));
    const result = await revoke({ ...oauth('oauth2', { refresh_token: REFRESH }), client: { ...CLIENT, revocationEndpoint: `${p.baseUrl}/oauth/revoke` } });
    expect(result).toEqual({ outcome: 'revoked', revokedTokens: ['access', 'refresh'], attempts: 2 });
    expect(p.requests.map((r) => [r.method, r.path, form(r.body)])).toEqual([
      ['POST', '/oauth/revoke', { token: REFRESH, token_type_hint: 'refresh_token' }],
      ['POST', '/oauth/revoke', { token: ACCESS, token_type_hint: 'access_token' }],
    ]);
    const first = p.requests[0]!;
    expect(first.headers['content-type']).toBe('application/x-www-form-urlencoded');
    // RFC 6749 2.3.1: id and secret are form-urlencoded before base64
    expect(basic(first.headers)).toBe('client+id%3A1:cs-SECRET%26client');
  });

  test('a public client (no secret) identifies itself with client_id in the body', async () => {
    const p = await provider(() => ({ status: 200 }));
    const result = await revoke({ ...oauth('oauth2'), client: { clientId: 'public-app', revocationEndpoint: `${p.baseUrl}/revoke` } });
    expect(result).toEqual({ outcome: 'revoked', revokedTokens: ['access'], attempts: 1 });
    expect(p.requests[0]!.headers.authorization).toBeUndefined();
    expect(form(p.requests[0]!.body)).toEqual({ token: ACCESS, token_type_hint: 'access_token', client_id: 'public-app' });
  });

  test('400 invalid_token for every token is already_revoked', async () => {
    const p = await provider(() => ({ status: 400, body: { error: 'invalid_token' } }));
    const result = await revoke({ ...oauth('oauth2', { refresh_token: REFRESH }), client: { ...CLIENT, revocationEndpoint: `${p.baseUrl}/revoke` } });
    expect(result).toEqual({ outcome: 'already_revoked', revokedTokens: [], attempts: 2 });
  });

  test('401 invalid_client fails provider-wide and stops at the first call', async () => {
    const p = await provider(() => ({ status: 401, body: { error: 'invalid_client', error_description: `client ${CLIENT.clientSecret} unknown` } }));
    const result = await revoke({ ...oauth('oauth2', { refresh_token: REFRESH }), client: { ...CLIENT, revocationEndpoint: `${p.baseUrl}/revoke` } });
    expect(result).toMatchObject({ outcome: 'failed', errorCode: 'invalid_client', providerWide: true, attempts: 1 });
    expect(p.requests).toHaveLength(1);
  });

  test('an auth config without a usable revocation endpoint fails provider-wide without a call', async () => {
    expect(await revoke(oauth('oauth2'))).toMatchObject({ outcome: 'failed', errorCode: 'missing_revocation_endpoint', providerWide: true, attempts: 0 });
    expect(await revoke({ ...oauth('oauth2'), client: { ...CLIENT, revocationEndpoint: 'not a url' } })).toMatchObject({ errorCode: 'invalid_revocation_endpoint', providerWide: true, attempts: 0 });
    // plain http to anything but this machine is refused by the egress policy, before any DNS
    expect(await revoke({ ...oauth('oauth2'), client: { ...CLIENT, revocationEndpoint: 'http://idp.example.com/revoke' } })).toMatchObject({ errorCode: 'egress_denied', providerWide: true, attempts: 0 });
  });

  test('an unknown toolkit whose auth config names a revocation endpoint is revoked as RFC 7009', async () => {
    const p = await provider(() => ({ status: 200 }));
    expect(await revoke({ ...oauth('acme'), client: { ...CLIENT, revocationEndpoint: `${p.baseUrl}/revoke` } })).toEqual({ outcome: 'revoked', revokedTokens: ['access'], attempts: 1 });
  });
});

describe('google', () => {
  test('POSTs the refresh token (which ends the grant) as a form to /revoke', async () => {
    const p = await provider(() => ({ status: 200, body: {} }));
    const result = await revoke(oauth('google', { refresh_token: REFRESH }), { baseUrls: { google: p.baseUrl } });
    expect(result).toEqual({ outcome: 'revoked', revokedTokens: ['access', 'refresh'], attempts: 1 });
    expect(p.requests.map((r) => [r.method, r.path, r.headers['content-type'], form(r.body)])).toEqual([['POST', '/revoke', 'application/x-www-form-urlencoded', { token: REFRESH }]]);
  });

  test('revokes the access token when there is no refresh token; 400 invalid_token is already_revoked', async () => {
    const p = await provider(() => ({ status: 400, body: { error: 'invalid_token', error_description: 'Token expired or revoked' } }));
    expect(await revoke(oauth('google'), { baseUrls: { google: p.baseUrl } })).toEqual({ outcome: 'already_revoked', revokedTokens: [], attempts: 1 });
    expect(form(p.requests[0]!.body)).toEqual({ token: ACCESS });
  });
});

describe('github', () => {
  test('DELETEs the app grant with Basic client auth and a JSON access_token; 204 is revoked', async () => {
    const p = await provider(() => ({ status: 204 }));
    const result = await revoke(oauth('github'), { baseUrls: { github: p.baseUrl } });
    expect(result).toEqual({ outcome: 'revoked', revokedTokens: ['access'], attempts: 1 });
    const r = p.requests[0]!;
    expect([r.method, r.path, r.headers['content-type'], JSON.parse(r.body)]).toEqual(['DELETE', '/applications/client%20id%3A1/grant', 'application/json', { access_token: ACCESS }]);
    expect(r.headers.accept).toBe('application/vnd.github+json');
    expect(basic(r.headers)).toBe('client+id%3A1:cs-SECRET%26client');
  });

  const notFound: Reply = { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } };
  const isToken = (req: Recorded) => req.path === '/login/oauth/access_token';

  test('a 404 is already_revoked only once the token endpoint proves the client credentials (bad_refresh_token)', async () => {
    const p = await provider((req) => (isToken(req) ? { status: 200, body: { error: 'bad_refresh_token', error_description: 'The refresh token passed is incorrect or expired.' } } : notFound));
    const revoker = createRevoker({ retry: fastRetry, egress: LOCAL, baseUrls: { github: p.baseUrl } });
    expect(await revoker.revoke(oauth('github'))).toEqual({ outcome: 'already_revoked', revokedTokens: [], attempts: 2 });
    const probe = p.requests[1]!;
    expect([probe.method, probe.path, probe.headers.accept]).toEqual(['POST', '/login/oauth/access_token', 'application/json']);
    expect(form(probe.body)).toMatchObject({ client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret, grant_type: 'refresh_token', refresh_token: expect.stringMatching(/^probe-[0-9a-f]{32}$/) });
    // the proof is remembered: the next 404 of this app needs no probe
    expect(await revoker.revoke(oauth('github'))).toEqual({ outcome: 'already_revoked', revokedTokens: [], attempts: 1 });
    expect(p.requests.map((r) => r.path)).toEqual(['/applications/client%20id%3A1/grant', '/login/oauth/access_token', '/applications/client%20id%3A1/grant']);
  });

  test('a 404 with client credentials GitHub refuses is invalid_client for the whole app', async () => {
    const p = await provider((req) => (isToken(req) ? { status: 200, body: { error: 'incorrect_client_credentials', error_description: 'The client_id and/or client_secret passed are incorrect.' } } : notFound));
    expect(await revoke(oauth('github'), { baseUrls: { github: p.baseUrl } })).toMatchObject({ outcome: 'failed', errorCode: 'invalid_client', providerWide: true, attempts: 2 });
  });

  test('a 404 that nothing disambiguates is a failure, never already_revoked', async () => {
    const p = await provider((req) => (isToken(req) ? { status: 200, body: { error: 'unsupported_grant_type' } } : notFound));
    expect(await revoke(oauth('github'), { baseUrls: { github: p.baseUrl } })).toMatchObject({ outcome: 'failed', errorCode: 'grant_not_found', providerWide: false });
  });

  test('an expired GitHub App user token is refreshed first, the new pair stored, then the grant deleted with it', async () => {
    const events: string[] = [];
    const p = await provider((req) => {
      events.push(req.path);
      return isToken(req) ? { status: 200, body: { access_token: 'ghu_SECRET_fresh', expires_in: 28800, refresh_token: 'ghr_SECRET_fresh', refresh_token_expires_in: 15811200, token_type: 'bearer', scope: '' } } : { status: 204 };
    });
    const rotated: OAuthCredential[] = [];
    const req: RevokeRequest = {
      ...oauth('github', { refresh_token: REFRESH, expires_at: PAST }),
      onRotated: async (credential) => {
        events.push('stored');
        rotated.push(credential);
      },
    };
    expect(await revoke(req, { baseUrls: { github: p.baseUrl } })).toEqual({ outcome: 'revoked', revokedTokens: ['access', 'refresh'], attempts: 2 });
    expect(events).toEqual(['/login/oauth/access_token', 'stored', '/applications/client%20id%3A1/grant']);
    expect(form(p.requests[0]!.body)).toEqual({ client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret, grant_type: 'refresh_token', refresh_token: REFRESH });
    expect(JSON.parse(p.requests[1]!.body)).toEqual({ access_token: 'ghu_SECRET_fresh' });
    expect(rotated).toEqual([{ type: 'oauth2', access_token: 'ghu_SECRET_fresh', refresh_token: 'ghr_SECRET_fresh', expires_at: expect.any(String) }]);
    expect(Date.parse(rotated[0]!.expires_at!)).toBeGreaterThan(Date.now() + 28_000_000);
  });

  test('an expired token whose refresh token GitHub refuses is already_revoked, without deleting anything', async () => {
    const p = await provider(() => ({ status: 200, body: { error: 'bad_refresh_token' } }));
    expect(await revoke(oauth('github', { refresh_token: REFRESH, expires_at: PAST }), { baseUrls: { github: p.baseUrl } })).toEqual({ outcome: 'already_revoked', revokedTokens: [], attempts: 1 });
    expect(p.requests.map((r) => r.path)).toEqual(['/login/oauth/access_token']);
  });

  test('a 404 on a token with no known expiry is retried with a refreshed token', async () => {
    const p = await provider((req, i) => (isToken(req) ? { status: 200, body: { access_token: 'ghu_SECRET_fresh', refresh_token: 'ghr_SECRET_fresh' } } : i === 0 ? notFound : { status: 204 }));
    expect(await revoke(oauth('github', { refresh_token: REFRESH }), { baseUrls: { github: p.baseUrl } })).toEqual({ outcome: 'revoked', revokedTokens: ['access', 'refresh'], attempts: 3 });
    expect(p.requests.map((r) => r.path)).toEqual(['/applications/client%20id%3A1/grant', '/login/oauth/access_token', '/applications/client%20id%3A1/grant']);
  });

  test('when the new pair cannot be stored it is revoked at once', async () => {
    const p = await provider((req) => (isToken(req) ? { status: 200, body: { access_token: 'ghu_SECRET_fresh', refresh_token: 'ghr_SECRET_fresh' } } : { status: 204 }));
    const req: RevokeRequest = { ...oauth('github', { refresh_token: REFRESH, expires_at: PAST }), onRotated: () => Promise.reject(new Error('database down')) };
    expect(await revoke(req, { baseUrls: { github: p.baseUrl } })).toEqual({ outcome: 'revoked', revokedTokens: ['access', 'refresh'], attempts: 2 });
    expect(JSON.parse(p.requests[1]!.body)).toEqual({ access_token: 'ghu_SECRET_fresh' });

    const failing = await provider((req) => (isToken(req) ? { status: 200, body: { access_token: 'ghu_SECRET_fresh', refresh_token: 'ghr_SECRET_fresh' } } : { status: 422, body: { message: 'Validation Failed' } }));
    expect(await revoke(req, { baseUrls: { github: failing.baseUrl } })).toMatchObject({ outcome: 'failed', errorCode: 'credential_store_failed' });
  });

  test("the token endpoint is github.com's unless the API base is overridden or `github.token` names one", async () => {
    const api = await provider(() => notFound);
    const token = await provider(() => ({ status: 200, body: { error: 'bad_refresh_token' } }));
    expect(await revoke(oauth('github'), { baseUrls: { github: api.baseUrl, 'github.token': token.baseUrl } })).toMatchObject({ outcome: 'already_revoked' });
    expect(token.requests.map((r) => r.path)).toEqual(['/login/oauth/access_token']);
  });

  test('without client credentials it fails provider-wide without a call', async () => {
    expect(await revoke(oauth('github', {}, {}), { baseUrls: { github: 'http://127.0.0.1:9' } })).toMatchObject({ outcome: 'failed', errorCode: 'missing_client_credentials', providerWide: true, attempts: 0 });
  });
});

describe('slack', () => {
  test('calls auth.revoke authenticated with the token itself', async () => {
    const p = await provider(() => ({ status: 200, body: { ok: true, revoked: true } }));
    const result = await revoke(oauth('slack'), { baseUrls: { slack: p.baseUrl } });
    expect(result).toEqual({ outcome: 'revoked', revokedTokens: ['access'], attempts: 1 });
    expect([p.requests[0]!.method, p.requests[0]!.path, p.requests[0]!.headers.authorization]).toEqual(['POST', '/api/auth.revoke', `Bearer ${ACCESS}`]);
  });

  test.each(['token_revoked', 'account_inactive'])('200 ok:false %s is already_revoked', async (error) => {
    const p = await provider(() => ({ status: 200, body: { ok: false, error } }));
    expect(await revoke(oauth('slack'), { baseUrls: { slack: p.baseUrl } })).toEqual({ outcome: 'already_revoked', revokedTokens: [], attempts: 1 });
  });

  test('invalid_auth (it also means a disallowed IP) is a failure, not proof of a dead token, and spends no refresh token', async () => {
    const p = await provider(() => ({ status: 200, body: { ok: false, error: 'invalid_auth' } }));
    expect(await revoke(oauth('slack', { refresh_token: REFRESH, expires_at: FUTURE }), { baseUrls: { slack: p.baseUrl } })).toMatchObject({ outcome: 'failed', errorCode: 'invalid_auth', attempts: 1 });
    expect(p.requests.map((r) => r.path)).toEqual(['/api/auth.revoke']);
  });

  test.each([{ ok: true }, { ok: true, revoked: false }, {}])('200 %j without revoked:true is not a revocation', async (body) => {
    const p = await provider(() => ({ status: 200, body }));
    expect(await revoke(oauth('slack'), { baseUrls: { slack: p.baseUrl } })).toMatchObject({ outcome: 'failed', errorCode: 'revocation_not_confirmed' });
  });

  test('a rotated pair is stored before it is used: when the revocation then fails, the stored pair is the live one', async () => {
    const events: string[] = [];
    const p = await provider((req) => {
      events.push(req.path);
      return req.path === '/api/oauth.v2.access' ? { status: 200, body: { ok: true, access_token: 'xoxe.xoxp-SECRET-new', refresh_token: 'xoxe-SECRET-new', expires_in: 43200, token_type: 'user' } } : { status: 503 };
    });
    const rotated: OAuthCredential[] = [];
    const req: RevokeRequest = {
      ...oauth('slack', { refresh_token: REFRESH, expires_at: PAST }),
      onRotated: async (credential) => {
        events.push('stored');
        rotated.push(credential);
      },
    };
    expect(await revoke(req, { baseUrls: { slack: p.baseUrl }, retry: { maxAttempts: 2, maxDelayMs: 10 } })).toMatchObject({ outcome: 'failed', errorCode: 'provider_unavailable' });
    expect(events).toEqual(['/api/oauth.v2.access', 'stored', '/api/auth.revoke', '/api/auth.revoke']);
    expect(rotated).toEqual([{ type: 'oauth2', access_token: 'xoxe.xoxp-SECRET-new', refresh_token: 'xoxe-SECRET-new', expires_at: expect.any(String) }]);
  });

  test('a rotated pair that cannot be stored is revoked at once; if that fails too the result says so', async () => {
    const refreshOk = { status: 200, body: { ok: true, access_token: 'xoxe.xoxp-SECRET-new', refresh_token: 'xoxe-SECRET-new' } };
    const p = await provider((req) => (req.path === '/api/oauth.v2.access' ? refreshOk : { status: 200, body: { ok: true, revoked: true } }));
    const req: RevokeRequest = { ...oauth('slack', { refresh_token: REFRESH, expires_at: PAST }), onRotated: () => Promise.reject(new Error('no database')) };
    expect(await revoke(req, { baseUrls: { slack: p.baseUrl } })).toEqual({ outcome: 'revoked', revokedTokens: ['access', 'refresh'], attempts: 2 });
    expect(p.requests[1]!.headers.authorization).toBe('Bearer xoxe.xoxp-SECRET-new');

    const down = await provider((req) => (req.path === '/api/oauth.v2.access' ? refreshOk : { status: 503 }));
    expect(await revoke(req, { baseUrls: { slack: down.baseUrl }, retry: { maxAttempts: 1 } })).toMatchObject({ outcome: 'failed', errorCode: 'credential_store_failed', attempts: 2 });
  });

  test('an expired access token is refreshed first (oauth.v2.access) and the fresh one revoked', async () => {
    const p = await provider((req) =>
      req.path === '/api/oauth.v2.access' ? { status: 200, body: { ok: true, access_token: FRESH_ACCESS, refresh_token: 'rt-SECRET-rotated', expires_in: 43200 } } : { status: 200, body: { ok: true, revoked: true } },
    );
    const result = await revoke(oauth('slack', { refresh_token: REFRESH, expires_at: PAST }), { baseUrls: { slack: p.baseUrl } });
    expect(result).toEqual({ outcome: 'revoked', revokedTokens: ['access', 'refresh'], attempts: 2 });
    const [refresh, revocation] = p.requests;
    expect([refresh!.method, refresh!.path, form(refresh!.body)]).toEqual(['POST', '/api/oauth.v2.access', { grant_type: 'refresh_token', refresh_token: REFRESH }]);
    expect(basic(refresh!.headers)).toBe('client+id%3A1:cs-SECRET%26client');
    expect([revocation!.path, revocation!.headers.authorization]).toEqual(['/api/auth.revoke', `Bearer ${FRESH_ACCESS}`]);
  });

  test('a refused refresh (ok:false invalid_refresh_token) means the grant is already gone', async () => {
    const p = await provider(() => ({ status: 200, body: { ok: false, error: 'invalid_refresh_token' } }));
    expect(await revoke(oauth('slack', { refresh_token: REFRESH, expires_at: PAST }), { baseUrls: { slack: p.baseUrl } })).toEqual({ outcome: 'already_revoked', revokedTokens: [], attempts: 1 });
    expect(p.requests.map((r) => r.path)).toEqual(['/api/oauth.v2.access']);
  });
});

describe('notion', () => {
  test('POSTs JSON {token} with Basic client auth and a Notion-Version', async () => {
    const p = await provider(() => ({ status: 200, body: { request_id: 'r' } }));
    expect(await revoke(oauth('notion'), { baseUrls: { notion: p.baseUrl } })).toEqual({ outcome: 'revoked', revokedTokens: ['access'], attempts: 1 });
    const r = p.requests[0]!;
    expect([r.method, r.path, r.headers['content-type'], JSON.parse(r.body)]).toEqual(['POST', '/v1/oauth/revoke', 'application/json', { token: ACCESS }]);
    expect(r.headers['notion-version']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(basic(r.headers)).toBe('client+id%3A1:cs-SECRET%26client');
  });
});

describe('dropbox', () => {
  test('POSTs token/revoke with the access token as Bearer and no body', async () => {
    const p = await provider(() => ({ status: 200, body: null }));
    const result = await revoke(oauth('dropbox', { refresh_token: REFRESH, expires_at: FUTURE }), { baseUrls: { dropbox: p.baseUrl } });
    expect(result).toEqual({ outcome: 'revoked', revokedTokens: ['access', 'refresh'], attempts: 1 });
    expect(p.requests.map((r) => [r.method, r.path, r.headers.authorization, r.body])).toEqual([['POST', '/2/auth/token/revoke', `Bearer ${ACCESS}`, '']]);
  });

  test('an expired access token is refreshed first at /oauth2/token; Dropbox keeps the refresh token', async () => {
    const p = await provider((req) => (req.path === '/oauth2/token' ? { status: 200, body: { access_token: FRESH_ACCESS, token_type: 'bearer', expires_in: 14400 } } : { status: 200, body: null }));
    const rotated: OAuthCredential[] = [];
    const result = await revoke({ ...oauth('dropbox', { refresh_token: REFRESH, expires_at: PAST }), onRotated: async (c) => void rotated.push(c) }, { baseUrls: { dropbox: p.baseUrl } });
    expect(rotated).toEqual([{ type: 'oauth2', access_token: FRESH_ACCESS, refresh_token: REFRESH, expires_at: expect.any(String) }]);
    expect(result).toEqual({ outcome: 'revoked', revokedTokens: ['access', 'refresh'], attempts: 2 });
    expect(p.requests.map((r) => [r.path, r.headers.authorization?.split(' ')[0]])).toEqual([
      ['/oauth2/token', 'Basic'],
      ['/2/auth/token/revoke', 'Bearer'],
    ]);
    expect(form(p.requests[0]!.body)).toEqual({ grant_type: 'refresh_token', refresh_token: REFRESH });
    expect(p.requests[1]!.headers.authorization).toBe(`Bearer ${FRESH_ACCESS}`);
  });

  test('a 401 on the access token triggers a refresh; invalid_grant there means already revoked', async () => {
    const p = await provider((req) =>
      req.path === '/oauth2/token' ? { status: 400, body: { error: 'invalid_grant', error_description: 'refresh token is invalid or revoked' } } : { status: 401, body: { error_summary: 'invalid_access_token/', error: { '.tag': 'invalid_access_token' } } },
    );
    const result = await revoke(oauth('dropbox', { refresh_token: REFRESH }), { baseUrls: { dropbox: p.baseUrl } });
    expect(result).toEqual({ outcome: 'already_revoked', revokedTokens: [], attempts: 2 });
    expect(p.requests.map((r) => r.path)).toEqual(['/2/auth/token/revoke', '/oauth2/token']);
  });

  test('a 401 without a refresh token is already revoked', async () => {
    const p = await provider(() => ({ status: 401, body: { error_summary: 'expired_access_token/', error: { '.tag': 'expired_access_token' } } }));
    expect(await revoke(oauth('dropbox'), { baseUrls: { dropbox: p.baseUrl } })).toEqual({ outcome: 'already_revoked', revokedTokens: [], attempts: 1 });
  });
});

describe('no revocation upstream', () => {
  test.each([
    ['an API key', { toolkit: 'github', authScheme: 'api_key', client: {}, credential: { type: 'api_key', api_key: 'key-SECRET' } } as RevokeRequest],
    ['microsoft', oauth('microsoft')],
    ['atlassian', oauth('atlassian')],
    ['an unknown toolkit without endpoint', oauth('acme')],
  ])('%s is unsupported_by_provider with a reason and no call', async (_name, req) => {
    const limiter = recordingLimiter();
    const result = await revoke(req, { rateLimiter: limiter });
    expect(result).toMatchObject({ outcome: 'unsupported_by_provider', attempts: 0 });
    expect(result.outcome === 'unsupported_by_provider' && result.reason.length > 10).toBe(true);
    expect(limiter.calls).toHaveLength(0);
  });
});

function recordingLimiter(): RateLimiter & { calls: Array<[string, number, string | undefined]> } {
  const calls: Array<[string, number, string | undefined]> = [];
  return {
    calls,
    acquire: async (key, ceiling, _signal, share) => {
      calls.push([key, ceiling, share]);
    },
  };
}

describe('transient failures', () => {
  test('503 then 200 is revoked after 2 attempts, each behind the rate limiter', async () => {
    const p = await provider((_req, i) => (i === 0 ? { status: 503 } : { status: 200 }));
    const limiter = recordingLimiter();
    const result = await revoke(oauth('google'), { baseUrls: { google: p.baseUrl }, rateLimiter: limiter });
    expect(result).toEqual({ outcome: 'revoked', revokedTokens: ['access'], attempts: 2 });
    // Google's quota is the OAuth client's project: the ceiling is keyed by the app
    expect(limiter.calls).toEqual([
      ['google:client id:1', 10, undefined],
      ['google:client id:1', 10, undefined],
    ]);
  });

  test('refreshes also go through the limiter; ceilings override the catalog; keys name the app, the share is passed on', async () => {
    const slack = await provider((req) => (req.path === '/api/oauth.v2.access' ? { status: 200, body: { ok: true, access_token: FRESH_ACCESS } } : { status: 200, body: { ok: true, revoked: true } }));
    const limiter = recordingLimiter();
    await revoke({ ...oauth('slack', { refresh_token: REFRESH, expires_at: PAST }), share: 'run-1' }, { baseUrls: { slack: slack.baseUrl }, rateLimiter: limiter, ceilings: { slack: 2 } });
    expect(limiter.calls).toEqual([
      ['slack:client id:1', 2, 'run-1'],
      ['slack:client id:1', 2, 'run-1'],
    ]);
    const idp = await provider(() => ({ status: 200 }));
    const request = { ...oauth('oauth2'), client: { ...CLIENT, revocationEndpoint: `${idp.baseUrl}/revoke` } };
    const key = `oauth2:${idp.baseUrl}:${CLIENT.clientId}`;
    const ceilingFor = async (ceilings: Record<string, number>) => {
      const generic = recordingLimiter();
      await revoke(request, { rateLimiter: generic, ceilings });
      return generic.calls;
    };
    expect(await ceilingFor({})).toEqual([[key, 20, undefined]]);
    // the most specific override wins: the app, then every app of the origin, then the slug
    expect(await ceilingFor({ oauth2: 5 })).toEqual([[key, 5, undefined]]);
    expect(await ceilingFor({ oauth2: 5, [`oauth2:${idp.baseUrl}`]: 7 })).toEqual([[key, 7, undefined]]);
    expect(await ceilingFor({ oauth2: 5, [`oauth2:${idp.baseUrl}`]: 7, [key]: 9 })).toEqual([[key, 9, undefined]]);
    // 0 removes the ceiling: no slot is taken
    expect(await ceilingFor({ oauth2: 0 })).toEqual([]);
  });

  test('429 with Retry-After: 1 waits about a second before retrying', async () => {
    const p = await provider((_req, i) => (i === 0 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 }));
    const result = await revoke(oauth('google'), { baseUrls: { google: p.baseUrl }, retry: { maxAttempts: 3, maxDelayMs: 5_000, budgetMs: 10_000 } });
    expect(result).toEqual({ outcome: 'revoked', revokedTokens: ['access'], attempts: 2 });
    const gap = p.requests[1]!.at - p.requests[0]!.at;
    expect(gap).toBeGreaterThanOrEqual(950);
    expect(gap).toBeLessThan(4_000);
  });

  test('a provider down past the time budget fails with provider_unavailable', async () => {
    const p = await provider(() => ({ status: 503, body: { error: 'temporarily_unavailable' } }));
    const result = await revoke(oauth('google'), { baseUrls: { google: p.baseUrl }, retry: { maxAttempts: 100, maxDelayMs: 50, budgetMs: 400 } });
    expect(result).toMatchObject({ outcome: 'failed', errorCode: 'provider_unavailable', providerWide: false });
    expect(result.attempts).toBeGreaterThan(2);
    expect(result.attempts).toBe(p.requests.length);
  });

  test('the attempt cap ends retries; the last error decides the code (rate_limited, timeout, unreachable)', async () => {
    const limited = await provider(() => ({ status: 429 }));
    expect(await revoke(oauth('google'), { baseUrls: { google: limited.baseUrl }, retry: { maxAttempts: 2, maxDelayMs: 10 } })).toMatchObject({ outcome: 'failed', errorCode: 'rate_limited', attempts: 2 });

    const slow = await provider(() => ({ status: 200, delayMs: 1_000 }));
    expect(await revoke(oauth('google'), { baseUrls: { google: slow.baseUrl }, timeoutMs: 100, retry: { maxAttempts: 2, maxDelayMs: 10 } })).toMatchObject({ outcome: 'failed', errorCode: 'timeout', attempts: 2 });

    const gone = await fakeProvider(() => ({ status: 200 }));
    await gone.close();
    expect(await revoke(oauth('google'), { baseUrls: { google: gone.baseUrl }, retry: { maxAttempts: 2, maxDelayMs: 10 } })).toMatchObject({ outcome: 'failed', errorCode: 'provider_unavailable', attempts: 2 });
  });
});

describe('secrets', () => {
  test('a provider echoing our token and secret in its error is masked, and the message truncated', async () => {
    const p = await provider(() => ({ status: 400, body: { error: 'invalid_request', error_description: `bad token ${ACCESS} for client ${CLIENT.clientSecret} ${'z'.repeat(500)}` } }));
    const result = await revoke(oauth('notion'), { baseUrls: { notion: p.baseUrl } });
    expect(result).toMatchObject({ outcome: 'failed', errorCode: 'invalid_request', providerWide: false });
    expect(result.outcome === 'failed' && result.errorMessage.length <= 200).toBe(true);
  });

  test('an abort rejects with the abort reason, which carries no secret', async () => {
    const p = await provider(() => ({ status: 200, delayMs: 2_000 }));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await createRevoker({ baseUrls: { google: p.baseUrl }, egress: LOCAL })
      .revoke(oauth('google', { refresh_token: REFRESH }), controller.signal)
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect((error as Error).name).toBe('AbortError');
    expect(String(error)).not.toContain('SECRET');
  });
});

describe('egress policy', () => {
  test('by default plain http to loopback is refused before any request: egress_denied for the whole auth config', async () => {
    const p = await provider(() => ({ status: 200 }));
    const strict = createRevoker({ retry: fastRetry });
    const generic = await strict.revoke({ ...oauth('oauth2'), client: { ...CLIENT, revocationEndpoint: `${p.baseUrl}/revoke` } });
    expect(generic).toMatchObject({ outcome: 'failed', errorCode: 'egress_denied', providerWide: true, attempts: 0 });
    expect(await createRevoker({ retry: fastRetry, baseUrls: { google: p.baseUrl } }).revoke(oauth('google'))).toMatchObject({ outcome: 'failed', errorCode: 'egress_denied', providerWide: true });
    expect(p.requests).toHaveLength(0);
  });

  test('a name is checked on what it resolves to at call time: localhost and a rebound name are refused', async () => {
    const p = await provider(() => ({ status: 200 }));
    const port = new URL(p.baseUrl).port;
    const viaLocalhost = await createRevoker({ retry: fastRetry }).revoke({ ...oauth('oauth2'), client: { ...CLIENT, revocationEndpoint: `https://localhost:${port}/revoke` } });
    expect(viaLocalhost).toMatchObject({ outcome: 'failed', errorCode: 'egress_denied', providerWide: true, attempts: 0 });
    expect(viaLocalhost.outcome === 'failed' && viaLocalhost.errorMessage).toMatch(/resolves to a loopback address/);
    // a name that was public when the auth config was created and now points at the metadata service
    const rebound = createRevoker({ retry: fastRetry, resolver: async () => [{ address: '169.254.169.254', family: 4 }] });
    expect(await rebound.revoke({ ...oauth('oauth2'), client: { ...CLIENT, revocationEndpoint: 'https://idp.example.com/revoke' } })).toMatchObject({ outcome: 'failed', errorCode: 'egress_denied' });
    expect(p.requests).toHaveLength(0);
  });

  test('the socket connects to the vetted address, whatever the system resolver would say, and Host stays the name', async () => {
    const p = await provider(() => ({ status: 200 }));
    const port = new URL(p.baseUrl).port;
    // the system resolver does not know this name: only the pinned address can reach the server
    const pinned = createRevoker({ retry: fastRetry, egress: LOCAL, resolver: async () => [{ address: '127.0.0.1', family: 4 }] });
    const result = await pinned.revoke({ ...oauth('oauth2'), client: { ...CLIENT, revocationEndpoint: `http://pin-check.localhost:${port}/revoke` } });
    expect(result).toEqual({ outcome: 'revoked', revokedTokens: ['access'], attempts: 1 });
    expect(p.requests[0]!.headers.host).toBe(`pin-check.localhost:${port}`);
  });

  test('the insecure-loopback switch opens loopback only: a private address stays refused', async () => {
    const dev = createRevoker({ retry: fastRetry, egress: LOCAL, resolver: async () => [{ address: '10.0.0.7', family: 4 }] });
    expect(await dev.revoke({ ...oauth('oauth2'), client: { ...CLIENT, revocationEndpoint: 'https://idp.internal/revoke' } })).toMatchObject({ outcome: 'failed', errorCode: 'egress_denied' });
  });
});

describe('every catalog provider served by the generic RFC 7009 adapter, from its catalog entry', () => {
  const rfc7009 = catalogEntries().filter((e) => !e.requiresRevocationEndpoint && e.revocations.oauth2?.style === 'rfc7009');
  const valuesFor = (e: ProviderCatalogEntry) => Object.fromEntries(e.parameters.filter((p) => p.name !== 'client_id').map((p) => [p.name, 'acme-tenant']));
  const request = (e: ProviderCatalogEntry, credential: Partial<{ refresh_token: string }> = { refresh_token: REFRESH }): RevokeRequest => ({ ...oauth(e.slug, credential), parameters: valuesFor(e) });

  test('the table is the catalog', () => {
    expect(rfc7009.length).toBeGreaterThanOrEqual(10);
  });

  test.each(rfc7009.map((e) => [e.slug, e] as const))('%s: the documented call (endpoint path, client auth, token kinds) and its success answer', async (_slug, entry) => {
    const revocation = entry.revocations.oauth2 as SupportedRevocation;
    const p = await provider(() => ({ status: revocation.success.status[0] as number, ...(revocation.success.status[0] === 204 ? {} : { body: {} }) }));
    const result = await revoke(request(entry), { baseUrls: { [entry.slug]: p.baseUrl } });
    const kinds = revocation.token === 'access_token' ? ['access'] : revocation.token === 'refresh_token' ? ['refresh'] : ['refresh', 'access'];
    const sentFirst = revocation.revokes === 'grant' ? kinds.slice(0, 1) : kinds;
    expect(p.requests.map((r) => [r.method, r.path, form(r.body)[revocation.fields?.token ?? 'token']])).toEqual(sentFirst.map((k) => ['POST', new URL(revocation.endpoint.replace(/\{[a-z_]+\}/g, 'x')).pathname, k === 'refresh' ? REFRESH : ACCESS]));
    for (const r of p.requests) {
      if (revocation.auth === 'client_secret_basic') expect(basic(r.headers)).toBe('client+id%3A1:cs-SECRET%26client');
      if (revocation.auth === 'client_secret_post') expect(form(r.body)).toMatchObject({ client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret });
      if (revocation.auth !== 'client_secret_basic') expect(r.headers.authorization).toBeUndefined();
      if (revocation.auth === 'none') expect(form(r.body).client_secret).toBeUndefined();
    }
    expect(result.outcome).toBe('revoked');
  });

  // codes that also mean a malformed request or a refused caller never prove a token dead
  const AMBIGUOUS = ['invalid_request', 'unauthorized', 'access_denied'];
  const sample = (text: string): unknown => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  };

  test.each(rfc7009.map((e) => [e.slug, e] as const))('%s: its documented dead-token answer is never revoked; already_revoked when it names an unambiguous code', async (_slug, entry) => {
    const dead = entry.data?.errors.dead_token.value;
    const status = dead?.status[0] ?? 400;
    for (const body of [...(dead?.body !== undefined ? [sample(dead.body)] : []), ...(dead?.codes ?? []).map((code) => ({ error: code }))]) {
      const p = await provider(() => ({ status, body }));
      const result = await revoke(request(entry), { baseUrls: { [entry.slug]: p.baseUrl } });
      const code = typeof body === 'object' && body !== null ? (body as { error?: string }).error : undefined;
      if (code !== undefined && AMBIGUOUS.includes(code)) expect(result.outcome).toBe('failed');
      else if (code !== undefined) expect(result.outcome).toBe('already_revoked');
      else expect(result.outcome).not.toBe('revoked');
    }
  });

  test.each(rfc7009.filter((e) => e.data?.errors.bad_client.value).map((e) => [e.slug, e] as const))('%s: its documented bad-client answer fails provider-wide', async (_slug, entry) => {
    const bad = entry.data?.errors.bad_client.value;
    const body = bad?.codes[0] !== undefined ? { error: bad.codes[0] } : sample(bad?.body ?? '');
    const p = await provider(() => ({ status: bad?.status[0] ?? 401, body }));
    const result = await revoke(request(entry), { baseUrls: { [entry.slug]: p.baseUrl } });
    // never a revocation; provider-wide invalid_client where the provider documents a code
    expect(result.outcome).toBe('failed');
    if (bad?.codes[0] !== undefined) expect(result).toMatchObject({ errorCode: 'invalid_client', providerWide: true });
  });

  test.each(rfc7009.filter((e) => e.parameters.some((p) => p.from === 'auth_config' && p.name !== 'client_id')).map((e) => [e.slug, e] as const))('%s: a missing or host-changing tenant value fails provider-wide without a call', async (_slug, entry) => {
    expect(await revoke(oauth(entry.slug))).toMatchObject({ outcome: 'failed', errorCode: 'missing_parameter', providerWide: true, attempts: 0 });
    const name = entry.parameters.find((p) => p.from === 'auth_config')?.name as string;
    expect(await revoke({ ...oauth(entry.slug), parameters: { [name]: 'evil.test/x?' } })).toMatchObject({ outcome: 'failed', errorCode: 'invalid_parameter', providerWide: true, attempts: 0 });
  });

  test.each(rfc7009.filter((e) => e.parameters.some((p) => p.from === 'auth_config' && p.name !== 'client_id')).map((e) => [e.slug, e] as const))("%s: the auth config's tenant value (client.parameters) fills the endpoint", async (_slug, entry) => {
    const revocation = entry.revocations.oauth2 as SupportedRevocation;
    const p = await provider(() => ({ status: revocation.success.status[0] as number, ...(revocation.success.status[0] === 204 ? {} : { body: {} }) }));
    const name = entry.parameters.find((q) => q.from === 'auth_config')?.name as string;
    const result = await revoke({ ...oauth(entry.slug, { refresh_token: REFRESH }), client: { ...CLIENT, parameters: { [name]: 'acme-tenant' } } }, { baseUrls: { [entry.slug]: p.baseUrl } });
    expect(result.outcome).toBe('revoked');
    expect(p.requests.length).toBeGreaterThan(0);
  });
});
