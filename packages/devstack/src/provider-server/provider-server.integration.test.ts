import http from 'node:http';
import { type ProviderClient } from './client-auth';
import { type ProviderControlClient } from './control-client';
import { spawnProviderServer } from './process';
import { createProviderServer } from './server';

const CLIENT: ProviderClient = { clientId: 'client-a', clientSecret: 'secret-a' };
const OTHER: ProviderClient = { clientId: 'client-b', clientSecret: 'secret-b' };
const CLIENTS = [CLIENT, OTHER];

type Target = { url: string; port: number; control: ProviderControlClient; close: () => Promise<void> };

const MODES: Array<[string, () => Promise<Target>]> = [
  ['in-process', () => createProviderServer({ clients: CLIENTS })],
  [
    'child process',
    async () => {
      const server = await spawnProviderServer({ clients: CLIENTS });
      return { ...server, close: server.stop };
    },
  ],
];

const basic = (client: ProviderClient) => `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`;

/** One form POST through fetch, for tests that look at headers and bodies. */
async function post(url: string, path: '/revoke' | '/introspect' | '/token', form: Record<string, string>, client: ProviderClient | 'post' = CLIENT) {
  const body = new URLSearchParams(client === 'post' ? { ...form, client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret } : form);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (client !== 'post') headers['authorization'] = basic(client);
  const response = await fetch(`${url}${path}`, { method: 'POST', body, headers });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

/** A revoke over a keep-alive agent, answering the status only: the cheap path for bursts. */
function fastRevoke(agent: http.Agent, base: URL, token: string): Promise<{ status: number; retryAfter: string | undefined }> {
  const body = `token=${encodeURIComponent(token)}&token_type_hint=access_token`;
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: base.hostname,
        port: base.port,
        method: 'POST',
        path: '/revoke',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body), authorization: basic(CLIENT) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Revokes every token with `concurrency` requests in flight; returns the statuses in order. */
async function revokeAll(url: string, tokens: readonly string[], concurrency: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const base = new URL(url);
  const results: Array<{ status: number; retryAfter: string | undefined }> = new Array(tokens.length);
  let next = 0;
  const started = process.hrtime.bigint();
  const worker = async () => {
    while (next < tokens.length) {
      const index = next++;
      results[index] = await fastRevoke(agent, base, tokens[index] as string);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  return { results, seconds };
}

const count = (results: ReadonlyArray<{ status: number }>, status: number) => results.filter((r) => r.status === status).length;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(MODES)('provider server (%s)', (mode, start) => {
  let server: Target;

  beforeAll(async () => {
    server = await start();
  });
  afterAll(async () => {
    await server?.close();
  });
  beforeEach(async () => {
    await server.control.setFaults({});
    await server.control.resetStats();
  });

  describe('refresh_token grant with rotation and reuse detection', () => {
    const refresh = (token: string) => post(server.url, '/token', { grant_type: 'refresh_token', refresh_token: token });

    it('rotates: a new pair in the same grant, the spent refresh token inactive', async () => {
      const [pair] = await server.control.mint(CLIENT.clientId, 1);
      const answer = await refresh(pair!.refresh_token);
      expect(answer.status).toBe(200);
      expect(answer.json).toMatchObject({ token_type: 'Bearer', expires_in: 3600, access_token: expect.any(String), refresh_token: expect.any(String) });
      const fresh = answer.json as { access_token: string; refresh_token: string };
      expect(await server.control.check([fresh.access_token, fresh.refresh_token])).toMatchObject({ active: 2 });
      expect(await server.control.check([pair!.refresh_token])).toMatchObject({ active: 0 });
      // revoking the live refresh token ends the whole grant, rotated tokens included
      expect((await post(server.url, '/revoke', { token: fresh.refresh_token })).status).toBe(200);
      expect(await server.control.check([pair!.access_token, fresh.access_token, fresh.refresh_token])).toMatchObject({ active: 0 });
      expect(await server.control.stats()).toMatchObject({ refreshRequests: 1, refreshed: 1, refreshReuse: 0 });
    });

    it('a spent refresh token presented again is invalid_grant and kills the grant', async () => {
      const [pair] = await server.control.mint(CLIENT.clientId, 1);
      const fresh = (await refresh(pair!.refresh_token)).json as { access_token: string; refresh_token: string };
      expect(await refresh(pair!.refresh_token)).toMatchObject({ status: 400, json: { error: 'invalid_grant' } });
      expect(await server.control.check([fresh.access_token, fresh.refresh_token])).toMatchObject({ active: 0 });
      expect((await refresh(fresh.refresh_token)).status).toBe(400);
      expect(await server.control.stats()).toMatchObject({ refreshReuse: 1, refreshed: 1 });
    });

    it("refuses another client's token, an access token and a bad client; holds refreshes to the ceiling", async () => {
      const [pair] = await server.control.mint(OTHER.clientId, 1);
      expect(await refresh(pair!.refresh_token)).toMatchObject({ status: 400, json: { error: 'invalid_grant' } });
      expect(await refresh(pair!.access_token)).toMatchObject({ status: 400, json: { error: 'invalid_grant' } });
      expect((await post(server.url, '/token', { grant_type: 'refresh_token', refresh_token: pair!.refresh_token }, { clientId: CLIENT.clientId, clientSecret: 'wrong' })).status).toBe(401);
      await server.control.setFaults({ ceilingPerSecond: 1 });
      const mine = await server.control.mint(CLIENT.clientId, 4);
      const answers = await Promise.all(mine.map((p) => refresh(p.refresh_token)));
      expect(answers.some((a) => a.status === 429)).toBe(true);
      expect((await server.control.stats()).refreshCeilingViolations).toBeGreaterThan(0);
    });
  });

  describe('RFC 7009 revocation', () => {
    it('answers 200 with no body for an unknown token', async () => {
      const response = await post(server.url, '/revoke', { token: 'never-issued' });
      expect(response.status).toBe(200);
      expect(response.text).toBe('');
      expect((await server.control.stats()).byOutcome.unknown_token).toBe(1);
    });

    it('answers 401 invalid_client with WWW-Authenticate for a bad secret, through Basic or the form', async () => {
      const [pair] = await server.control.mint(CLIENT.clientId, 1);
      const viaBasic = await post(server.url, '/revoke', { token: pair!.access_token }, { clientId: CLIENT.clientId, clientSecret: 'wrong' });
      const viaForm = await fetch(`${server.url}/revoke`, {
        method: 'POST',
        body: new URLSearchParams({ token: pair!.access_token, client_id: CLIENT.clientId, client_secret: 'wrong' }),
      });
      const anonymous = await fetch(`${server.url}/revoke`, { method: 'POST', body: new URLSearchParams({ token: pair!.access_token }) });
      for (const response of [viaBasic, viaForm, anonymous]) {
        expect(response.status).toBe(401);
        expect(response.headers.get('www-authenticate')).toMatch(/^Basic /);
      }
      expect(viaBasic.json).toMatchObject({ error: 'invalid_client' });
      expect((await server.control.check([pair!.access_token])).active).toBe(1);
    });

    it('answers 400 invalid_request when the token is missing', async () => {
      const response = await post(server.url, '/revoke', {});
      expect(response.status).toBe(400);
      expect(response.json).toMatchObject({ error: 'invalid_request' });
    });

    it('revoking a refresh token kills its whole grant', async () => {
      const [pair, bystander] = await server.control.mint(CLIENT.clientId, 2);
      expect((await post(server.url, '/introspect', { token: pair!.access_token })).json).toEqual({ active: true, client_id: CLIENT.clientId, token_type: 'access_token' });

      const response = await post(server.url, '/revoke', { token: pair!.refresh_token, token_type_hint: 'refresh_token' }, 'post');

      expect(response.status).toBe(200);
      expect((await post(server.url, '/introspect', { token: pair!.access_token })).json).toEqual({ active: false });
      expect((await post(server.url, '/introspect', { token: pair!.refresh_token }, 'post')).json).toEqual({ active: false });
      const check = await server.control.check([pair!.access_token, pair!.refresh_token, bystander!.access_token, 'unknown']);
      expect(check).toEqual({ active: 1, inactive: 3, unknown: 1, activeTokens: [bystander!.access_token] });
    });

    it('revoking an access token leaves its refresh token alive', async () => {
      const [pair] = await server.control.mint(CLIENT.clientId, 1);
      await post(server.url, '/revoke', { token: pair!.access_token });
      expect(await server.control.check([pair!.access_token, pair!.refresh_token])).toMatchObject({ active: 1, activeTokens: [pair!.refresh_token] });
    });

    it("refuses another client's token and leaves it active; introspection hides it", async () => {
      const [pair] = await server.control.mint(CLIENT.clientId, 1);
      const response = await post(server.url, '/revoke', { token: pair!.access_token }, OTHER);
      expect(response.status).toBe(400);
      expect((await post(server.url, '/introspect', { token: pair!.access_token }, OTHER)).json).toEqual({ active: false });
      expect((await server.control.check([pair!.access_token])).active).toBe(1);
    });

    it('counts revocations of tokens that were already inactive, per token', async () => {
      const [pair] = await server.control.mint(CLIENT.clientId, 1);
      await post(server.url, '/revoke', { token: pair!.refresh_token });
      await post(server.url, '/revoke', { token: pair!.refresh_token }); // duplicate
      await post(server.url, '/revoke', { token: pair!.access_token }); // already dead with its grant

      const stats = await server.control.stats();
      expect(stats).toMatchObject({ revokeRequests: 3, revoked: 1, revokeAfterInactive: 2, tokensRevokedMoreThanOnce: 1 });
      expect(stats.perClient[CLIENT.clientId]).toEqual({ revokeRequests: 3, revoked: 1 });
      expect(stats.byStatus).toEqual({ '200': 3 });
    });
  });

  describe('faults', () => {
    it('answers about failureRate of revokes with alternating 503/429 and Retry-After, without revoking', async () => {
      const pairs = await server.control.mint(CLIENT.clientId, 1000);
      await server.control.setFaults({ failureRate: 0.3, retryAfterSeconds: 7 });

      const { results } = await revokeAll(server.url, pairs.map((p) => p.access_token), 16);

      const failed = results.filter((r) => r.status !== 200);
      expect(failed.length / results.length).toBeGreaterThan(0.22);
      expect(failed.length / results.length).toBeLessThan(0.38);
      expect(new Set(failed.map((r) => r.status))).toEqual(new Set([503, 429]));
      expect(Math.abs(count(failed, 503) - count(failed, 429))).toBeLessThanOrEqual(1);
      expect(failed.every((r) => r.retryAfter === '7')).toBe(true);
      const stats = await server.control.stats();
      expect(stats.byOutcome.injected_failure).toBe(failed.length);
      expect(stats.revoked).toBe(results.length - failed.length);
      expect((await server.control.check(pairs.map((p) => p.access_token))).active).toBe(failed.length);
    });

    it('goes down (503 or reset sockets) and comes back, control endpoints staying up', async () => {
      const [pair] = await server.control.mint(CLIENT.clientId, 1);
      await server.control.setFaults({ down: true, downMode: '503', retryAfterSeconds: 2 });
      const unavailable = await post(server.url, '/introspect', { token: pair!.access_token });
      expect(unavailable.status).toBe(503);
      expect(unavailable.headers.get('retry-after')).toBe('2');

      await server.control.setFaults({ down: true });
      await expect(post(server.url, '/revoke', { token: pair!.access_token })).rejects.toThrow();
      expect((await server.control.stats()).byStatus).toEqual({ reset: 1 });

      await server.control.setFaults({ down: true, downForMs: 300 });
      await expect(post(server.url, '/revoke', { token: pair!.access_token })).rejects.toThrow();
      await sleep(400);
      expect((await post(server.url, '/revoke', { token: pair!.access_token })).status).toBe(200);
      expect(await server.control.faults()).toEqual({});
      expect((await server.control.check([pair!.access_token])).active).toBe(0);
    });

    it('answers 401 to good credentials under invalidClient', async () => {
      await server.control.setFaults({ invalidClient: true });
      expect((await post(server.url, '/revoke', { token: 'x' })).status).toBe(401);
      expect((await post(server.url, '/introspect', { token: 'x' })).status).toBe(401);
    });

    it('enforces ceilingPerSecond with 429 Retry-After: 1 and counts the violations', async () => {
      const pairs = await server.control.mint(CLIENT.clientId, 300);
      await server.control.setFaults({ ceilingPerSecond: 50 });
      const startSecond = Math.floor(Date.now() / 1000);

      const { results } = await revokeAll(server.url, pairs.map((p) => p.access_token), 32);

      const secondsSpanned = Math.floor(Date.now() / 1000) - startSecond + 1;
      const limited = results.filter((r) => r.status === 429);
      expect(limited.length).toBeGreaterThan(0);
      expect(limited.every((r) => r.retryAfter === '1')).toBe(true);
      expect(count(results, 200)).toBeLessThanOrEqual(50 * secondsSpanned);
      const stats = await server.control.stats();
      expect(stats.ceilingViolations).toBe(limited.length);
      expect(stats.revoked).toBe(count(results, 200));
      expect(stats.maxPerSecond).toBeGreaterThan(50);
    });

    it('rejects an invalid fault set through the control endpoint', async () => {
      await expect(server.control.setFaults({ failureRate: 2 })).rejects.toThrow(/failureRate/);
    });
  });

  describe('stats', () => {
    it('measures the busiest second of a burst, aligned and sliding', async () => {
      const pairs = await server.control.mint(CLIENT.clientId, 60);
      // three bursts of 20, each more than a second after the previous one ended
      for (let burst = 0; burst < 3; burst++) {
        if (burst > 0) await sleep(1_100);
        await revokeAll(server.url, pairs.slice(burst * 20, burst * 20 + 20).map((p) => p.access_token), 20);
      }
      const stats = await server.control.stats();
      expect(stats.revokeRequests).toBe(60);
      expect(stats.maxPerSlidingSecond).toBe(20);
      expect(stats.maxPerSecond).toBeLessThanOrEqual(20);
      expect(stats.maxPerSecond).toBeGreaterThanOrEqual(10); // a burst straddling a second boundary splits
    });
  });

  describe('scale', () => {
    it('mints 50,000 token pairs in one call', async () => {
      const started = Date.now();
      const pairs = await server.control.mint(CLIENT.clientId, 50_000);
      const mintMs = Date.now() - started;
      const tokens = pairs.flatMap((p) => [p.access_token, p.refresh_token]);
      expect(new Set(tokens).size).toBe(100_000);
      const check = await server.control.check(tokens);
      console.log(`[provider-server ${mode}] minted 50,000 token pairs in ${mintMs} ms; checked 100,000 tokens in ${Date.now() - started - mintMs} ms`);
      expect(check).toMatchObject({ active: 100_000, inactive: 0 });
    });

    it('revokes 20,000 tokens with 64 in flight (prints req/s, asserts correctness only)', async () => {
      const pairs = await server.control.mint(CLIENT.clientId, 20_000);
      const tokens = pairs.map((p) => p.access_token);

      const { results, seconds } = await revokeAll(server.url, tokens, 64);

      console.log(`[provider-server ${mode}] 20,000 revocations, concurrency 64: ${Math.round(results.length / seconds)} req/s (${seconds.toFixed(2)} s)`);
      expect(count(results, 200)).toBe(20_000);
      const stats = await server.control.stats();
      expect(stats).toMatchObject({ revokeRequests: 20_000, revoked: 20_000, revokeAfterInactive: 0, tokensRevokedMoreThanOnce: 0 });
      expect((await server.control.check(tokens)).active).toBe(0);
    });
  });
});

describe('provider server child process lifecycle', () => {
  const started: Array<{ kill: () => Promise<void> }> = [];
  afterAll(async () => {
    await Promise.all(started.map((server) => server.kill()));
  });

  it('restarts on the same port with fresh state, and refuses connections once killed', async () => {
    const first = await spawnProviderServer({ clients: CLIENTS, faults: { latencyMs: 1 } });
    started.push(first);
    const [pair] = await first.control.mint(CLIENT.clientId, 1);
    expect(await first.control.faults()).toEqual({ latencyMs: 1 });
    await first.stop();
    await expect(first.control.stats()).rejects.toThrow();

    const second = await spawnProviderServer({ clients: CLIENTS, port: first.port });
    started.push(second);
    expect(second.url).toBe(first.url);
    expect(second.pid).not.toBe(first.pid);
    expect(await second.control.check([pair!.access_token])).toMatchObject({ active: 0, unknown: 1 });

    await second.kill();
    await expect(post(second.url, '/revoke', { token: 'x' })).rejects.toThrow();
    expect(() => process.kill(second.pid, 0)).toThrow();
  });

  it('reports a child that cannot start', async () => {
    await expect(spawnProviderServer({ clients: [] })).rejects.toThrow(/--clients must be a non-empty JSON array/);
  });

});

describe('provider server latency fault', () => {
  it('adds latency to every revoke response', async () => {
    const server = await createProviderServer({ clients: CLIENTS, faults: { latencyMs: 150 } });
    try {
      const startedAt = Date.now();
      expect((await post(server.url, '/revoke', { token: 'x' })).status).toBe(200);
      expect(Date.now() - startedAt).toBeGreaterThanOrEqual(140);
    } finally {
      await server.close();
    }
  });
});
