/**
 * Provider policies through the whole system (apollo, Temporal, thermos, Postgres):
 * - egress at call time: a worker without the local-development switch refuses an http
 *   loopback endpoint (even one apollo accepted), records egress_denied, and sends nothing;
 * - a refresh's new token pair is stored sealed before it is used, so a revocation failing
 *   after the refresh leaves the live pair in the database, and a retry job revokes it;
 * - runs sharing one rate ceiling are served in turn: a small run started behind a big one
 *   finishes long before the big one (measured in requests, not seconds).
 */
import { createProviderServer, type ProviderServer, type TokenPair } from '@at/devstack';
import { Vault } from '@at/vault';
import { providerAuthConfig, providerConnections } from './support/provider-seed';
import { allResults, oauthCredentials, seedAuthConfig, seedConnection, seedProject, seedTenant, waitForJob, type Tenant } from './support/seed';
import { startStack, type Stack } from './support/stack';

const CLIENT = { clientId: 'policy-app', clientSecret: 'policy-app-SECRET-0123456789' };
const PAST = new Date(Date.now() - 3_600_000);
const api = (apiKey: string) => ({ 'x-api-key': apiKey });

async function startJob(stack: Stack, apiKey: string): Promise<string> {
  const res = await stack.request('POST', '/api/v1/revoke_jobs', { headers: api(apiKey), body: { scope: { type: 'project' } } });
  if (res.status !== 202) throw new Error(`create job: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body['id'] as string;
}

describe('egress at call time', () => {
  let stack: Stack;
  let provider: ProviderServer;
  let job: Record<string, unknown>;
  let results: Array<Record<string, unknown>>;
  let ids: string[];

  beforeAll(async () => {
    provider = await createProviderServer({ clients: [CLIENT] });
    // apollo (local development) accepts the loopback endpoint; the worker, deployed strict, refuses to call it
    stack = await startStack({ thermosEnv: { PROVIDER_ALLOW_INSECURE_LOOPBACK: 'false', PROVIDER_RATE_LIMITS: JSON.stringify({ oauth2: 0 }) }, apolloEnv: { PROVIDER_ALLOW_INSECURE_LOOPBACK: 'true' } });
    const tenant = await seedTenant(stack, 'egress');
    const authConfig = await providerAuthConfig(stack, tenant.apiKey, provider, CLIENT);
    ({ ids } = await providerConnections(stack, provider, CLIENT, authConfig, 4));
    const id = await startJob(stack, tenant.apiKey);
    job = await waitForJob(stack, `/api/v1/revoke_jobs/${id}`, api(tenant.apiKey));
    results = await allResults(stack, `/api/v1/revoke_jobs/${id}`, api(tenant.apiKey));
  }, 180_000);
  afterAll(async () => Promise.all([stack?.stop(), provider?.close()]));

  test('every connection fails with egress_denied, and no request reached the endpoint', () => {
    expect(job).toMatchObject({ status: 'completed', counts: { total: 4, pending: 0, failed: 4 } });
    expect(results).toHaveLength(4);
    for (const result of results) expect(result).toMatchObject({ outcome: 'failed', error_code: 'egress_denied' });
    expect(provider.stats().revokeRequests).toBe(0);
  });

  test('the credentials are kept: nothing was revoked', async () => {
    const credentials = await stack.db.db.credential.findMany({ where: { connectedAccountId: { in: ids } } });
    expect(credentials.map((c) => c.sealed !== null)).toEqual([true, true, true, true]);
  });
});

describe('one stack: rotated credentials, and fair shares of a ceiling', () => {
  let stack: Stack;
  let provider: ProviderServer;
  let tenant: Tenant;

  beforeAll(async () => {
    provider = await createProviderServer({ clients: [CLIENT] });
    stack = await startStack({
      thermosEnv: {
        PROVIDER_BASE_URLS: JSON.stringify({ slack: provider.url, github: provider.url }),
        // 10 req/s for every app of the generic provider; the vendors' own ceilings would only slow the test
        PROVIDER_RATE_LIMITS: JSON.stringify({ oauth2: 10, slack: 0, github: 0 }),
        PROVIDER_MAX_ATTEMPTS: '2',
        PROVIDER_RETRY_BUDGET_MS: '5000',
      },
    });
    tenant = await seedTenant(stack, 'policies');
  }, 180_000);
  afterAll(async () => Promise.all([stack?.stop(), provider?.close()]));

  describe('a refresh whose revocation then fails', () => {
    const vault = () => Vault.fromSpec(stack.env['VAULT_KEYS'] as string);
    let project: { projectId: string; apiKey: string };
    const connections: Array<{ id: string; toolkit: string; original: TokenPair }> = [];
    let jobId: string;

    beforeAll(async () => {
      project = await seedProject(stack, tenant.orgToken, 'rotation');
      for (const toolkit of ['slack', 'github']) {
        const authConfig = await seedAuthConfig(stack, project.apiKey, { toolkit, auth_scheme: 'oauth2', client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret });
        for (const original of provider.issueTokens(2, CLIENT.clientId, { expired: true })) {
          const id = await seedConnection(stack, project.apiKey, authConfig, oauthCredentials({ accessToken: original.access_token, refreshToken: original.refresh_token, expiresAt: PAST }), `${toolkit}-user`);
          connections.push({ id, toolkit, original });
        }
      }
      // the refreshes go through; every revocation is refused
      provider.setFaults({ revokeUnavailable: true });
      jobId = await startJob(stack, project.apiKey);
      await waitForJob(stack, `/api/v1/revoke_jobs/${jobId}`, api(project.apiKey));
      provider.setFaults({});
    }, 180_000);

    test('the job records every connection failed, and the spent refresh tokens are dead upstream', async () => {
      const results = await allResults(stack, `/api/v1/revoke_jobs/${jobId}`, api(project.apiKey));
      expect(results).toHaveLength(connections.length);
      for (const result of results) expect(result).toMatchObject({ outcome: 'failed', error_code: 'provider_unavailable' });
      expect(provider.check(connections.map((c) => c.original.refresh_token)).active).toBe(0);
    });

    test('the database holds each connection\'s new pair, sealed, and that pair is the live one', async () => {
      const issued = provider.rotations();
      expect(issued).toHaveLength(connections.length);
      for (const { id } of connections) {
        const row = await stack.db.db.credential.findUniqueOrThrow({ where: { connectedAccountId: id } });
        expect(JSON.stringify(row.sealed)).not.toMatch(/access_token/);
        const stored = vault().openJson<{ access_token: string; refresh_token: string }>(row.sealed, id);
        expect(issued).toContainEqual({ access_token: stored.access_token, refresh_token: stored.refresh_token });
        expect(provider.check([stored.access_token, stored.refresh_token]).active).toBe(2);
        expect(row.expiresAt?.getTime()).toBeGreaterThan(Date.now());
      }
    });

    test('a retry job revokes the stored pairs: nothing issued is left live', async () => {
      const res = await stack.request('POST', `/api/v1/revoke_jobs/${jobId}/retry`, { headers: api(project.apiKey) });
      expect(res.status).toBe(202);
      const retried = await waitForJob(stack, `/api/v1/revoke_jobs/${res.body['id'] as string}`, api(project.apiKey));
      expect(retried).toMatchObject({ status: 'completed', counts: { total: connections.length, revoked: connections.length, failed: 0 } });
      const everything = [...connections.flatMap((c) => [c.original.access_token, c.original.refresh_token]), ...provider.rotations().flatMap((p) => [p.access_token, p.refresh_token])];
      expect(provider.check(everything).active).toBe(0);
      const credentials = await stack.db.db.credential.findMany({ where: { connectedAccountId: { in: connections.map((c) => c.id) } } });
      expect(credentials.every((c) => c.sealed === null && c.destroyedAt !== null)).toBe(true);
    });

    test('no token, old or new, appears in the results or the logs', async () => {
      const text = [JSON.stringify(await allResults(stack, `/api/v1/revoke_jobs/${jobId}`, api(project.apiKey))), ...stack.logs.apollo, ...stack.logs.thermos].join('\n');
      for (const pair of [...connections.map((c) => c.original), ...provider.rotations()]) {
        expect(text).not.toContain(pair.access_token);
        expect(text).not.toContain(pair.refresh_token);
      }
      expect(text).not.toContain(CLIENT.clientSecret);
    });
  });

  test('a small run started behind a big one on the same ceiling is served in turn, not after it', async () => {
    const BIG = 60;
    const SMALL = 8;
    const big = await seedProject(stack, tenant.orgToken, 'big');
    const small = await seedProject(stack, tenant.orgToken, 'small');
    // the same OAuth app at the same server: one ceiling (oauth2:<origin>:<client id>)
    const bigConns = await providerConnections(stack, provider, CLIENT, await providerAuthConfig(stack, big.apiKey, provider, CLIENT), BIG);
    const smallConns = await providerConnections(stack, provider, CLIENT, await providerAuthConfig(stack, small.apiKey, provider, CLIENT), SMALL);
    const done = (ids: string[]) => stack.db.db.connectedAccount.count({ where: { id: { in: ids }, status: 'revoked' } });

    const bigJob = await startJob(stack, big.apiKey);
    while ((await done(bigConns.ids)) < 3) await new Promise((resolve) => setTimeout(resolve, 50));
    const smallJob = await startJob(stack, small.apiKey);
    expect(await waitForJob(stack, `/api/v1/revoke_jobs/${smallJob}`, api(small.apiKey))).toMatchObject({ status: 'completed', counts: { revoked: SMALL } });
    expect(await waitForJob(stack, `/api/v1/revoke_jobs/${bigJob}`, api(big.apiKey))).toMatchObject({ status: 'completed', counts: { revoked: BIG } });

    // the order in which connections were recorded (never how long anything took)
    const finished = async (ids: string[]) => (await stack.db.db.revokeItem.findMany({ where: { connectedAccountId: { in: ids } }, select: { finishedAt: true } })).map((i) => (i.finishedAt as Date).getTime());
    const [bigAt, smallAt] = [await finished(bigConns.ids), await finished(smallConns.ids)];
    const [smallFirst, smallLast] = [Math.min(...smallAt), Math.max(...smallAt)];
    const bigWhileSmall = bigAt.filter((t) => t >= smallFirst && t <= smallLast).length;
    const bigAfterSmall = bigAt.filter((t) => t > smallLast).length;
    // first come, first served, the small run would have waited for every big connection queued
    // before it; taking turns, the big run gets about one slot per slot of the small one
    expect(bigAfterSmall).toBeGreaterThan(BIG / 2);
    expect(bigWhileSmall).toBeLessThanOrEqual(SMALL + 4);
    console.log(`fair shares: while the small run revoked its ${SMALL} connections the big run revoked ${bigWhileSmall}; ${bigAfterSmall} of its ${BIG} came after`);
    expect(provider.check([...bigConns.tokens, ...smallConns.tokens]).active).toBe(0);
  });
});
