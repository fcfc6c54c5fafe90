import { startOAuthServer, type OAuthServerHandle } from './index';

// The same client registered at both servers, so isolation is tested on identical credentials.
const shared = { clientId: 'client-shared', clientSecret: 'shared-secret-0123456789' };
const other = { clientId: 'client-other', clientSecret: 'other-secret 0123456789:+' };

let a: OAuthServerHandle;
let b: OAuthServerHandle;

beforeAll(async () => {
  [a, b] = await Promise.all([startOAuthServer({ clients: [shared, other] }), startOAuthServer({ clients: [shared] })]);
});

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
});

function basic(clientId: string, clientSecret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')}`;
}

/** RFC 7009 revocation with client_secret_basic, written out with plain fetch. */
async function revoke(server: OAuthServerHandle, client: { clientId: string; clientSecret: string }, token: string, hint?: string) {
  const response = await fetch(server.revocationEndpoint, {
    method: 'POST',
    headers: { authorization: basic(client.clientId, client.clientSecret), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token, ...(hint ? { token_type_hint: hint } : {}) }).toString(),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as { error?: string }) : undefined };
}

async function refresh(server: OAuthServerHandle, refreshToken: string) {
  const response = await fetch(server.tokenEndpoint, {
    method: 'POST',
    headers: { authorization: basic(shared.clientId, shared.clientSecret), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }).toString(),
  });
  return { status: response.status, body: (await response.json()) as { error?: string; access_token?: string } };
}

const active = (server: OAuthServerHandle, token: string) => server.introspect(shared.clientId, shared.clientSecret, token).then((r) => r.active);

describe('oauth test server', () => {
  it('announces its endpoints on 127.0.0.1 and serves discovery with them', async () => {
    expect(a.issuer).toBe(`http://127.0.0.1:${a.port}`);
    expect(a.port).not.toBe(b.port);
    const discovery = (await (await fetch(`${a.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(discovery).toMatchObject({
      issuer: a.issuer,
      token_endpoint: a.tokenEndpoint,
      revocation_endpoint: a.revocationEndpoint,
      introspection_endpoint: a.introspectionEndpoint,
    });
  });

  it('mints distinct tokens that introspect as active for their account and client', async () => {
    const tokens = await a.mint(shared.clientId, 'user-1', 3);
    expect(tokens).toHaveLength(3);
    expect(new Set(tokens.flatMap((t) => [t.accessToken, t.refreshToken])).size).toBe(6);
    expect(tokens[0]!.expiresAt.getTime()).toBeGreaterThan(Date.now() + 24 * 3600_000);
    const result = await a.introspect(shared.clientId, shared.clientSecret, tokens[0]!.accessToken);
    expect(result).toMatchObject({ active: true, sub: 'user-1', client_id: shared.clientId, token_type: 'Bearer' });
    expect(await active(a, tokens[0]!.refreshToken)).toBe(true);
  });

  it('mints one grant per account with mintForAccounts', async () => {
    const tokens = await a.mintForAccounts(shared.clientId, ['acc-1', 'acc-2']);
    const subs = await Promise.all(tokens.map((t) => a.introspect(shared.clientId, shared.clientSecret, t.accessToken).then((r) => r.sub)));
    expect(subs).toEqual(['acc-1', 'acc-2']);
  });

  it('revoking a refresh token kills its whole grant and nothing else', async () => {
    const [target, bystander] = await a.mint(shared.clientId, 'user-2', 2);
    expect(await refresh(a, target!.refreshToken)).toMatchObject({ status: 200 });

    expect(await revoke(a, shared, target!.refreshToken, 'refresh_token')).toEqual({ status: 200, body: undefined });

    expect(await active(a, target!.refreshToken)).toBe(false);
    expect(await active(a, target!.accessToken)).toBe(false);
    expect(await refresh(a, target!.refreshToken)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(await active(a, bystander!.accessToken)).toBe(true);
    expect(await active(a, bystander!.refreshToken)).toBe(true);
  });

  it('revoking an access token also kills the refresh token of its grant (oidc-provider 9 behaviour)', async () => {
    const [target] = await a.mint(shared.clientId, 'user-3', 1);
    expect(await revoke(a, shared, target!.accessToken, 'access_token')).toMatchObject({ status: 200 });
    expect(await active(a, target!.accessToken)).toBe(false);
    expect(await active(a, target!.refreshToken)).toBe(false);
  });

  it('answers 200 for an unknown or already revoked token (RFC 7009)', async () => {
    expect(await revoke(a, shared, 'never-issued-token')).toEqual({ status: 200, body: undefined });
    const [target] = await a.mint(shared.clientId, 'user-4', 1);
    expect((await revoke(a, shared, target!.refreshToken)).status).toBe(200);
    expect((await revoke(a, shared, target!.refreshToken)).status).toBe(200);
  });

  it('answers 401 invalid_client for a wrong client secret and leaves the token alive', async () => {
    const [target] = await a.mint(shared.clientId, 'user-5', 1);
    const result = await revoke(a, { clientId: shared.clientId, clientSecret: 'wrong-secret' }, target!.refreshToken);
    expect(result).toEqual({ status: 401, body: expect.objectContaining({ error: 'invalid_client' }) });
    expect(await active(a, target!.refreshToken)).toBe(true);
  });

  it("refuses to revoke another client's token with 400 invalid_request", async () => {
    const [target] = await a.mint(shared.clientId, 'user-6', 1);
    expect(await revoke(a, other, target!.refreshToken)).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    expect(await active(a, target!.refreshToken)).toBe(true);
  });

  it('accepts client_secret_post as well as client_secret_basic', async () => {
    const [target] = await a.mint(other.clientId, 'user-7', 1);
    const response = await fetch(a.revocationEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: target!.refreshToken, client_id: other.clientId, client_secret: other.clientSecret }).toString(),
    });
    expect(response.status).toBe(200);
    expect(await a.introspect(other.clientId, other.clientSecret, target!.refreshToken)).toEqual({ active: false });
  });

  it("keeps each server's tokens to itself", async () => {
    const [fromA] = await a.mint(shared.clientId, 'user-8', 1);
    const [fromB] = await b.mint(shared.clientId, 'user-8', 1);
    expect(await active(b, fromA!.accessToken)).toBe(false);

    expect((await revoke(b, shared, fromA!.refreshToken)).status).toBe(200);
    expect(await active(a, fromA!.refreshToken)).toBe(true);

    expect((await revoke(a, shared, fromB!.refreshToken)).status).toBe(200);
    expect(await active(b, fromB!.refreshToken)).toBe(true);
  });

  it('counts revocation requests by outcome, status and client', async () => {
    await Promise.all([a.resetStats(), b.resetStats()]);
    const [one, two] = await a.mint(shared.clientId, 'user-9', 2);
    await revoke(a, shared, one!.refreshToken);
    await revoke(a, shared, one!.refreshToken); // repeated
    await revoke(a, shared, one!.accessToken); // died with its grant
    await revoke(a, shared, 'never-issued-token');
    await revoke(a, { clientId: shared.clientId, clientSecret: 'wrong-secret' }, two!.refreshToken);
    await revoke(a, other, two!.refreshToken);
    await a.introspect(shared.clientId, shared.clientSecret, two!.refreshToken);

    const stats = await a.stats();
    expect(stats.revocation).toMatchObject({ total: 6, revoked: 1, already_revoked: 2, unknown: 1, rejected: 2, by_status: { 200: 4, 401: 1, 400: 1 } });
    expect(stats.revocation.by_client[shared.clientId]).toEqual({ total: 5, revoked: 1, already_revoked: 2, unknown: 1, rejected: 1 });
    expect(stats.revocation.by_client[other.clientId]).toEqual({ total: 1, revoked: 0, already_revoked: 0, unknown: 0, rejected: 1 });
    expect(stats.revocation.max_per_second).toBeGreaterThanOrEqual(1);
    expect(stats.revocation.max_per_second).toBeLessThanOrEqual(6);
    expect(stats.introspection.total).toBe(1);
    expect((await b.stats()).revocation.total).toBe(0);
  });

  it('rejects test endpoints without the admin secret', async () => {
    const response = await fetch(`${a.issuer}/__test/stats`);
    expect(response.status).toBe(401);
  });

  it('mints and introspects 10,000 grants in batches', async () => {
    const started = Date.now();
    const tokens = await b.mint(shared.clientId, 'bulk-user', 10_000);
    const minted = Date.now();
    const refreshTokens = tokens.map((t) => t.refreshToken);
    const states = await b.introspectMany(shared.clientId, shared.clientSecret, refreshTokens, 32);
    const introspected = Date.now();
    // figures for the report, never asserted (tests do not assert on timing)
    console.info(`oauth test server: minted 10,000 grants in ${minted - started} ms, introspected 10,000 refresh tokens in ${introspected - minted} ms`);
    expect(new Set(refreshTokens).size).toBe(10_000);
    expect(states.every(Boolean)).toBe(true);

    for (const token of refreshTokens.slice(0, 100)) expect((await revoke(b, shared, token)).status).toBe(200);
    const after = await b.introspectMany(shared.clientId, shared.clientSecret, refreshTokens.slice(0, 200));
    expect(after.filter(Boolean)).toHaveLength(100);
    expect(after.slice(0, 100).some(Boolean)).toBe(false);
  });

  it('kill() ends the server at once and stop() returns after it', async () => {
    const server = await startOAuthServer({ clients: [shared] });
    try {
      server.kill();
      await server.stop();
      expect(server.process.signalCode).toBe('SIGKILL');
      await expect(fetch(server.revocationEndpoint, { method: 'POST' })).rejects.toThrow();
    } finally {
      server.kill();
    }
  });

  it('reports why a server failed to start', async () => {
    await expect(startOAuthServer({ clients: [{ clientId: '', clientSecret: 'x' }] })).rejects.toThrow(/OAUTH_SERVER_CLIENTS/);
  });
});

describe('oauth test server with rotating refresh tokens and reuse detection', () => {
  let rot: OAuthServerHandle;
  beforeAll(async () => {
    rot = await startOAuthServer({ clients: [shared], rotateRefreshTokens: true, accessTokenTtlSeconds: 60 });
  });
  afterAll(async () => rot?.stop());
  beforeEach(async () => {
    await rot.setTokenFaults({});
    await rot.resetStats();
  });
  const refreshAt = (token: string) => rot.refresh(shared.clientId, shared.clientSecret, token);
  const isActive = (token: string) => rot.introspect(shared.clientId, shared.clientSecret, token).then((r) => r.active);

  it('issues access tokens with the configured lifetime', async () => {
    const before = Date.now();
    const [minted] = await rot.mint(shared.clientId, 'ttl-user');
    expect(minted!.expiresAt.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 60_000);
    expect(minted!.expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + 61_000);
    const refreshed = await refreshAt(minted!.refreshToken);
    expect(refreshed.body['expires_in']).toBe(60);
  });

  it('each refresh rotates the refresh token; the new pair is live and the old refresh token is spent', async () => {
    const [minted] = await rot.mint(shared.clientId, 'rotating-user');
    const first = await refreshAt(minted!.refreshToken);
    expect(first.status).toBe(200);
    const next = first.body['refresh_token'] as string;
    expect(next).toEqual(expect.any(String));
    expect(next).not.toBe(minted!.refreshToken);
    expect(await isActive(first.body['access_token'] as string)).toBe(true);
    expect(await isActive(next)).toBe(true);
    const second = await refreshAt(next);
    expect(second.status).toBe(200);
    expect((await rot.stats()).refresh).toMatchObject({ total: 2, succeeded: 2, reuse_detected: 0, max_in_flight_per_grant: 1 });
  });

  it('re-using a spent refresh token revokes the whole grant (RFC 9700 4.14.2)', async () => {
    const [minted] = await rot.mint(shared.clientId, 'reuse-user');
    const first = await refreshAt(minted!.refreshToken);
    const reuse = await refreshAt(minted!.refreshToken);
    expect(reuse).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(await isActive(first.body['refresh_token'] as string)).toBe(false);
    expect(await isActive(first.body['access_token'] as string)).toBe(false);
    expect((await refreshAt(first.body['refresh_token'] as string)).status).toBe(400);
    expect((await rot.stats()).refresh.reuse_detected).toBe(1);
  });

  it('two concurrent refreshes of one token are reuse too: at most one succeeds and the grant dies', async () => {
    const [minted] = await rot.mint(shared.clientId, 'race-user');
    await rot.setTokenFaults({ delay_ms: 200 });
    const answers = await Promise.all([refreshAt(minted!.refreshToken), refreshAt(minted!.refreshToken)]);
    expect(answers.filter((a) => a.status === 200).length).toBeLessThanOrEqual(1);
    expect(answers.some((a) => a.body['error'] === 'invalid_grant')).toBe(true);
    const stats = (await rot.stats()).refresh;
    expect(stats.reuse_detected).toBeGreaterThanOrEqual(1);
    expect(stats.max_in_flight_per_grant).toBe(2);
    for (const answer of answers.filter((a) => a.status === 200)) expect(await isActive(answer.body['refresh_token'] as string)).toBe(false);
  });

  it('token faults: failures for the next n refreshes, then normal answers', async () => {
    const [minted] = await rot.mint(shared.clientId, 'fault-user');
    await rot.setTokenFaults({ fail_status: 503, fail_count: 1 });
    expect(await refreshAt(minted!.refreshToken)).toMatchObject({ status: 503, body: { error: 'temporarily_unavailable' } });
    expect((await refreshAt(minted!.refreshToken)).status).toBe(200);
  });

  it('a delayed refresh whose client gives up is never processed: its refresh token stays usable', async () => {
    const [minted] = await rot.mint(shared.clientId, 'dropped-user');
    await rot.setTokenFaults({ delay_ms: 2_000 });
    const aborted = fetch(rot.tokenEndpoint, {
      method: 'POST',
      headers: { authorization: basic(shared.clientId, shared.clientSecret), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: minted!.refreshToken }).toString(),
      signal: AbortSignal.timeout(200),
    });
    await expect(aborted).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await rot.setTokenFaults({});
    // the first exchange is no longer in flight and never consumed the token
    expect((await rot.stats()).refresh.in_flight).toBe(0);
    expect((await refreshAt(minted!.refreshToken)).status).toBe(200);
  });
});
