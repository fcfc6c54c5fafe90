import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRefresher, type RefresherOptions } from './refresher';
import type { RefreshOutcome, RefreshRequest } from './types';
import type { RateLimiter } from '../types';
import { providerKeyOf } from '../catalog';

// Every secret contains SECRET, so one substring check proves none leaked into an outcome.
const REFRESH = 'rt-SECRET-old';
const ACCESS = 'at-SECRET-old';
const CLIENT = { clientId: 'app id:1', clientSecret: 'cs-SECRET&x' };
// the test endpoints listen on plain http on loopback
const LOOPBACK = { allowInsecureLoopback: true };

type Recorded = { path: string; headers: IncomingHttpHeaders; form: Record<string, string> };
type Reply = { status: number; body?: unknown; headers?: Record<string, string>; delayMs?: number };

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** A loopback token endpoint that records each request and answers from `reply`. */
async function tokenEndpoint(reply: (index: number) => Reply): Promise<{ url: string; base: string; requests: Recorded[] }> {
  const requests: Recorded[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ path: req.url ?? '', headers: req.headers, form: Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString())) });
      const answer = reply(requests.length - 1);
      setTimeout(() => {
        if (res.destroyed) return;
        res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
        res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
      }, answer.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  }));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url: `${base}/oauth/token`, base, requests };
}

function request(tokenEndpointUrl: string | undefined, client: Partial<RefreshRequest['client']> = {}, toolkit = 'oauth2'): RefreshRequest {
  return {
    toolkit,
    client: { ...CLIENT, revocationEndpoint: 'http://127.0.0.1:1/revoke', ...(tokenEndpointUrl ? { tokenEndpoint: tokenEndpointUrl } : {}), ...client },
    credential: { type: 'oauth2', access_token: ACCESS, refresh_token: REFRESH },
  };
}

async function refresh(req: RefreshRequest, options: RefresherOptions = {}, deadlineMs = 5_000): Promise<RefreshOutcome> {
  const outcome = await createRefresher({ egress: LOOPBACK, ...options }).refresh(req, { deadlineMs });
  const { credential: _fresh, ...rest } = outcome as RefreshOutcome & { credential?: unknown };
  expect(JSON.stringify(rest)).not.toContain('SECRET');
  return outcome;
}

describe('a successful refresh', () => {
  test('sends the refresh_token grant with client_secret_basic and returns the rotated pair with an absolute expiry', async () => {
    const p = await tokenEndpoint(() => ({ status: 200, body: { access_token: 'at-new', refresh_token: 'rt-new', token_type: 'bearer', expires_in: 60 } }));
    const before = Date.now();
    const outcome = await refresh(request(p.url));
    expect(outcome).toMatchObject({ kind: 'refreshed', rotated: true, attempts: 1, credential: { type: 'oauth2', access_token: 'at-new', refresh_token: 'rt-new', token_type: 'bearer' } });
    const expiresAt = Date.parse((outcome as { credential: { expires_at: string } }).credential.expires_at);
    expect(expiresAt).toBeGreaterThanOrEqual(before + 60_000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 60_000);
    expect(p.requests).toHaveLength(1);
    expect(p.requests[0]!.path).toBe('/oauth/token');
    expect(p.requests[0]!.form).toEqual({ grant_type: 'refresh_token', refresh_token: REFRESH });
    // RFC 6749 2.3.1: id and secret are form-urlencoded before base64
    expect(Buffer.from((p.requests[0]!.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString()).toBe('app+id%3A1:cs-SECRET%26x');
  });

  test('an answer without a refresh token keeps the old one (RFC 6749 section 6), and without token_type says Bearer', async () => {
    const p = await tokenEndpoint(() => ({ status: 200, body: { access_token: 'at-new' } }));
    expect(await refresh(request(p.url))).toEqual({ kind: 'refreshed', rotated: false, attempts: 1, credential: { type: 'oauth2', access_token: 'at-new', refresh_token: REFRESH, token_type: 'Bearer' } });
  });

  test('client_secret_post sends the client credentials in the body, not a header', async () => {
    const p = await tokenEndpoint(() => ({ status: 200, body: { access_token: 'at-new', expires_in: '3600' } }));
    const outcome = await refresh(request(p.url, { tokenEndpointAuthMethod: 'client_secret_post' }));
    expect(outcome).toMatchObject({ kind: 'refreshed', credential: { expires_at: expect.any(String) } });
    expect(p.requests[0]!.headers.authorization).toBeUndefined();
    expect(p.requests[0]!.form).toEqual({ grant_type: 'refresh_token', refresh_token: REFRESH, client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret });
  });

  test('a public client (no secret) identifies itself with client_id in the body', async () => {
    const p = await tokenEndpoint(() => ({ status: 200, body: { access_token: 'at-new' } }));
    const { clientSecret: _secret, ...publicClient } = request(p.url).client;
    await refresh({ ...request(p.url), client: publicClient });
    expect(p.requests[0]!.headers.authorization).toBeUndefined();
    expect(p.requests[0]!.form).toEqual({ grant_type: 'refresh_token', refresh_token: REFRESH, client_id: CLIENT.clientId });
  });

  test("a catalog toolkit uses its built-in token endpoint, following an overridden base URL", async () => {
    const p = await tokenEndpoint(() => ({ status: 200, body: { access_token: 'at-new', expires_in: 3599 } }));
    expect(await refresh(request(undefined, {}, 'google'), { baseUrls: { google: p.base } })).toMatchObject({ kind: 'refreshed' });
    expect(p.requests[0]!.path).toBe('/token');
  });
});

describe('a refused refresh token is dead; nothing else is', () => {
  // a provider's own codes are dead for that provider (its catalog vocabulary), RFC 6749's for any
  test.each<[string, Reply, string]>([
    ['400 invalid_grant', { status: 400, body: { error: 'invalid_grant', error_description: `refresh token ${REFRESH} already used` } }, 'oauth2'],
    ["GitHub's 200 with error bad_refresh_token", { status: 200, body: { error: 'bad_refresh_token', error_description: 'The refresh token passed is incorrect or expired.' } }, 'github-app'],
    ["Slack's ok:false invalid_refresh_token", { status: 200, body: { ok: false, error: 'invalid_refresh_token' } }, 'slack'],
  ])('%s is dead, with the provider code', async (_label, reply, toolkit) => {
    const p = await tokenEndpoint(() => reply);
    const outcome = await refresh(request(p.url, {}, toolkit));
    expect(outcome.kind).toBe('dead');
    expect((outcome as { errorCode: string }).errorCode).toBe(((reply.body as { error: string }).error));
  });

  test("another provider's code proves nothing: Slack's invalid_refresh_token from a generic server is a failure", async () => {
    const p = await tokenEndpoint(() => ({ status: 200, body: { ok: false, error: 'invalid_refresh_token' } }));
    expect(await refresh(request(p.url))).toMatchObject({ kind: 'failed', errorCode: 'invalid_refresh_token' });
  });

  test.each(['bad_refresh_token', 'refresh_token_expired', 'expired_refresh_token'])("nor do codes no RFC defines: %s from a generic server is a failure, the connection not sent to re-auth", async (code) => {
    const p = await tokenEndpoint(() => ({ status: 400, body: { error: code } }));
    expect(await refresh(request(p.url))).toMatchObject({ kind: 'failed', errorCode: code });
  });

  test.each<[string, Reply, Partial<RefreshOutcome>]>([
    ['401 invalid_client blames the app, provider-wide', { status: 401, body: { error: 'invalid_client', error_description: `bad secret ${CLIENT.clientSecret}` } }, { kind: 'failed', errorCode: 'invalid_client', providerWide: true }],
    ['400 invalid_request', { status: 400, body: { error: 'invalid_request' } }, { kind: 'failed', errorCode: 'invalid_request', providerWide: false }],
    ['200 without an access token', { status: 200, body: { token_type: 'bearer' } }, { kind: 'failed', errorCode: 'invalid_refresh_response' }],
    ['503 with Retry-After', { status: 503, body: { error: 'temporarily_unavailable' }, headers: { 'retry-after': '7' } }, { kind: 'transient', errorCode: 'provider_unavailable', retryAfterMs: 7000 }],
    ['429', { status: 429, body: {} }, { kind: 'transient', errorCode: 'rate_limited' }],
  ])('%s', async (_label, reply, expected) => {
    const p = await tokenEndpoint(() => reply);
    expect(await refresh(request(p.url))).toMatchObject(expected);
    expect(p.requests).toHaveLength(1);
  });

  test('a provider slower than the deadline is a transient timeout, sent once and never resent', async () => {
    const p = await tokenEndpoint(() => ({ status: 200, body: { access_token: 'late' }, delayMs: 2_000 }));
    expect(await refresh(request(p.url), {}, 200)).toMatchObject({ kind: 'transient', errorCode: 'timeout', attempts: 1 });
    expect(p.requests).toHaveLength(1);
  });

  test('an unreachable provider is transient', async () => {
    expect(await refresh(request('http://127.0.0.1:1/token'))).toMatchObject({ kind: 'transient', errorCode: 'provider_unavailable' });
  });
});

describe('configuration and ceilings', () => {
  test('no token endpoint (toolkit oauth2 without one) fails provider-wide without a call', async () => {
    expect(await refresh(request(undefined))).toMatchObject({ kind: 'failed', errorCode: 'missing_token_endpoint', providerWide: true, attempts: 0 });
  });

  test('waits for a slot under the shared ceiling, keyed like the app revocations', async () => {
    const p = await tokenEndpoint(() => ({ status: 200, body: { access_token: 'at-new' } }));
    const keys: Array<[string, number]> = [];
    const limiter: RateLimiter = { acquire: async (key, ceiling) => void keys.push([key, ceiling]) };
    await refresh(request(p.url), { rateLimiter: limiter, ceilings: { oauth2: 7 } });
    // the app's own key (server origin and client id), the one its revocations count under
    expect(keys).toEqual([['oauth2:http://127.0.0.1:1:app id:1', 7]]);
    expect(providerKeyOf(request(p.url))).toBe('oauth2:http://127.0.0.1:1:app id:1');
    // the most specific override wins, as for the revoker
    keys.length = 0;
    await refresh(request(p.url), { rateLimiter: limiter, ceilings: { oauth2: 7, 'oauth2:http://127.0.0.1:1': 5, 'oauth2:http://127.0.0.1:1:app id:1': 3 } });
    expect(keys).toEqual([['oauth2:http://127.0.0.1:1:app id:1', 3]]);
  });

  test('no slot within the deadline is a transient rate_limited, and nothing is sent', async () => {
    const p = await tokenEndpoint(() => ({ status: 200, body: { access_token: 'at-new' } }));
    const never: RateLimiter = { acquire: (_key, _ceiling, signal) => new Promise((_resolve, reject) => signal?.addEventListener('abort', () => reject(signal.reason))) };
    expect(await refresh(request(p.url), { rateLimiter: never }, 100)).toMatchObject({ kind: 'transient', errorCode: 'rate_limited', attempts: 0 });
    expect(p.requests).toHaveLength(0);
  });

  test('a slot already held is not waited for again', async () => {
    const p = await tokenEndpoint(() => ({ status: 200, body: { access_token: 'at-new' } }));
    const calls: string[] = [];
    const limiter: RateLimiter = { acquire: async (key) => void calls.push(key) };
    const outcome = await createRefresher({ egress: LOOPBACK, rateLimiter: limiter }).refresh(request(p.url), { deadlineMs: 5_000, held: {} });
    expect(outcome.kind).toBe('refreshed');
    expect(calls).toEqual([]);
  });

  test("the slot's ticket hears of the answer (the limiter's margin learns the refresh's jitter), whoever took the slot", async () => {
    const p = await tokenEndpoint(() => ({ status: 200, body: { access_token: 'at-new' } }));
    let answered = 0;
    const limiter: RateLimiter = { acquire: async () => ({ answered: () => void (answered += 1) }) };
    expect((await refresh(request(p.url), { rateLimiter: limiter })).kind).toBe('refreshed');
    expect(answered).toBe(1);
    // refresh ahead takes the slot before its lease and hands the ticket over
    const refresher = createRefresher({ egress: LOOPBACK, rateLimiter: limiter });
    const slot = (await refresher.acquireSlot(request(p.url))) ?? undefined;
    expect(answered).toBe(1);
    expect((await refresher.refresh(request(p.url), { deadlineMs: 5_000, held: { ticket: slot } })).kind).toBe('refreshed');
    expect(answered).toBe(2);
  });
});

test('a token endpoint the egress policy refuses is never called: failed for the whole auth config, nothing sent', async () => {
  const endpoint = await tokenEndpoint(() => ({ status: 200, body: { access_token: 'at-SECRET-new' } }));
  // the default policy: https to public addresses only
  const outcome = await refresh(request(endpoint.url), { egress: {} });
  expect(outcome).toMatchObject({ kind: 'failed', errorCode: 'egress_denied', providerWide: true, attempts: 0 });
  expect(endpoint.requests).toHaveLength(0);
});

test('a name that resolves to a private address is refused at call time, nothing sent', async () => {
  const endpoint = await tokenEndpoint(() => ({ status: 200, body: { access_token: 'at-SECRET-new' } }));
  const port = new URL(endpoint.url).port;
  const resolver = async () => [{ address: '127.0.0.1', family: 4 }];
  const outcome = await refresh(request(`https://idp.example.test:${port}/oauth/token`), { egress: {}, resolver });
  expect(outcome).toMatchObject({ kind: 'failed', errorCode: 'egress_denied', attempts: 0 });
  expect(endpoint.requests).toHaveLength(0);
});
