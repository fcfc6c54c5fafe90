/**
 * Refresh ahead end to end: thermos's Temporal Schedule renews tokens before they expire, with no
 * vend, against a real OAuth server (oidc-provider) that rotates refresh tokens and kills a grant
 * on reuse; a grant revoked at the provider turns its connection needs_reauth in the first pass
 * after, and connection_health reports it.
 */
import { refreshAheadScheduleId } from '@at/common';
import { startOAuthServer, type OAuthServerHandle } from '@at/devstack';
import type { Vault } from '@at/vault';
import { seedAuthConfig, seedConnection, seedTenant, type Tenant } from './support/seed';
import { startStack, type Stack } from './support/stack';

const CLIENT = { clientId: 'ahead-app', clientSecret: 'ahead-app-secret-0123456789' };
const DUE = 6;

let stack: Stack;
let oauth: OAuthServerHandle;
let tenant: Tenant;
let authConfigId: string;
let scheduleId: string;
const due: Array<{ id: string; refreshToken: string }> = [];
const notDue: string[] = [];

beforeAll(async () => {
  [stack, oauth] = await Promise.all([
    startStack({ thermosEnv: { REFRESH_AHEAD_INTERVAL_SECONDS: '2', REFRESH_AHEAD_SECONDS: '900' } }),
    startOAuthServer({ clients: [CLIENT], rotateRefreshTokens: true, accessTokenTtlSeconds: 3600 }),
  ]);
  scheduleId = refreshAheadScheduleId(stack.env['TEMPORAL_TASK_QUEUE'] as string);
  tenant = await seedTenant(stack, 'ahead');
  authConfigId = await seedAuthConfig(stack, tenant.apiKey, {
    toolkit: 'oauth2', auth_scheme: 'oauth2', client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret, revocation_endpoint: oauth.revocationEndpoint, token_endpoint: oauth.tokenEndpoint,
  });
  const minted = await oauth.mint(CLIENT.clientId, 'ahead-user', DUE + 2);
  for (const [i, token] of minted.entries()) {
    // what we are told: the first DUE expire in 10 minutes (inside the 15-minute horizon)
    const expiresAt = i < DUE ? new Date(Date.now() + 600_000) : new Date('2030-01-01T00:00:00Z');
    const id = await seedConnection(stack, tenant.apiKey, authConfigId, { access_token: token.accessToken, refresh_token: token.refreshToken, expires_at: expiresAt.toISOString() }, `user-${i}`);
    if (i < DUE) due.push({ id, refreshToken: token.refreshToken });
    else notDue.push(id);
  }
}, 180_000);
afterAll(async () => {
  await Promise.all([stack?.stop(), oauth?.stop()]);
});

const vault = (): Vault => stack.apollo.context.vault;
const active = (token: string) => oauth.introspect(CLIENT.clientId, CLIENT.clientSecret, token).then((r) => r.active);

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Refresh-ahead passes of this deployment that completed, found by their search attributes. */
async function completedPasses(startedAfter?: Date): Promise<Array<{ workflowId: string; startTime: Date; closeTime: Date | undefined }>> {
  const query = `AtJobId = "${scheduleId}" AND AtTrigger = "schedule" AND AtScopeKind = "refresh_ahead" AND ExecutionStatus = "Completed"${startedAfter ? ` AND StartTime > "${startedAfter.toISOString()}"` : ''}`;
  const passes = [];
  for await (const execution of stack.temporal.workflow.list({ query })) passes.push({ workflowId: execution.workflowId, startTime: execution.startTime, closeTime: execution.closeTime });
  return passes;
}

test('renews every due token before it expires, with no vend: rotated pairs stored, live, each refreshed once', async () => {
  const accounts = await until('every due connection refreshed', async () => {
    const rows = await stack.db.db.connectedAccount.findMany({ where: { id: { in: due.map((d) => d.id) } }, include: { credential: true } });
    return rows.every((r) => r.lastRefreshedAt !== null) ? rows : undefined;
  });
  for (const account of accounts) {
    expect(account.status).toBe('active');
    expect(account.credential!.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 3_000_000);
    const stored = vault().openJson<{ access_token: string; refresh_token: string }>(account.credential!.sealed, account.id);
    expect(stored.refresh_token).not.toBe(due.find((d) => d.id === account.id)!.refreshToken);
    expect(await active(stored.access_token)).toBe(true);
    expect(await active(stored.refresh_token)).toBe(true);
  }
  // a later pass finds nothing due: no token is refreshed twice, none raced, none reused
  const settled = new Date();
  await until('a pass that started after the renewals', async () => ((await completedPasses(settled)).length > 0 ? true : undefined));
  expect((await oauth.stats()).refresh).toMatchObject({ total: DUE, succeeded: DUE, reuse_detected: 0, max_in_flight_per_grant: 1 });
  const untouched = await stack.db.db.connectedAccount.findMany({ where: { id: { in: notDue } } });
  expect(untouched.map((r) => r.lastRefreshedAt)).toEqual(notDue.map(() => null));
});

test('a grant revoked at the provider turns its connection needs_reauth in the first pass after, and health reports it', async () => {
  const victim = due[0]!.id;
  const credential = await stack.db.db.credential.findUniqueOrThrow({ where: { connectedAccountId: victim } });
  const current = vault().openJson<{ refresh_token: string }>(credential.sealed, victim);
  // the end user removes the app at the provider; an hour on, its token is due again
  expect(await oauth.revoke(CLIENT.clientId, CLIENT.clientSecret, current.refresh_token, 'refresh_token')).toBe(200);
  await stack.db.db.credential.update({ where: { connectedAccountId: victim }, data: { issuedAt: new Date(Date.now() - 3_600_000), expiresAt: new Date(Date.now() + 120_000) } });
  const revokedAt = new Date();
  const [first] = await until('a pass started after the revocation', async () => {
    const passes = await completedPasses(revokedAt);
    return passes.length > 0 ? passes.sort((a, b) => a.startTime.getTime() - b.startTime.getTime()) : undefined;
  });
  expect(first).toBeDefined();
  const account = await stack.db.db.connectedAccount.findUniqueOrThrow({ where: { id: victim } });
  expect(account).toMatchObject({ status: 'needs_reauth', statusReason: 'invalid_grant', lastRefreshError: 'invalid_grant' });
  const health = await stack.request('GET', '/api/v1/connection_health', { headers: { 'x-api-key': tenant.apiKey } });
  expect(health.body).toEqual({ any_needs_reauth: true, items: [{ auth_config_id: authConfigId, toolkit: 'oauth2', active: DUE + 2 - 1, needs_reauth: 1, revoking: 0, revoked: 0 }] });
  const vend = await stack.request<{ error: { code: string } }>('GET', `/api/v1/connected_accounts/${victim}/token`, { headers: { 'x-api-key': tenant.apiKey } });
  expect({ status: vend.status, code: vend.body.error.code }).toEqual({ status: 409, code: 'needs_reauth' });
  // the transition's outbox event, written in the same statement: once, naming the reason
  const needsReauth = await stack.db.db.event.findMany({ where: { connectedAccountId: victim, type: 'connected_account.needs_reauth' } });
  expect(needsReauth).toHaveLength(1);
  expect(needsReauth[0]!.data).toMatchObject({ connected_account_id: victim, auth_config_id: authConfigId, toolkit: 'oauth2', reason: 'invalid_grant' });

  // the end user reconnects: same id, active again, and one recovered event (none for an active -> active replace)
  const [fresh] = await oauth.mint(CLIENT.clientId, 'ahead-user', 1);
  const put = await stack.request('PUT', `/api/v1/connected_accounts/${victim}/credentials`, {
    headers: { 'x-api-key': tenant.apiKey },
    body: { access_token: fresh!.accessToken, refresh_token: fresh!.refreshToken, expires_at: new Date(Date.now() + 3_600_000).toISOString() },
  });
  expect(put.status).toBe(200);
  expect(put.body['status']).toBe('active');
  const again = await stack.request('PUT', `/api/v1/connected_accounts/${victim}/credentials`, {
    headers: { 'x-api-key': tenant.apiKey },
    body: { access_token: fresh!.accessToken, refresh_token: fresh!.refreshToken, expires_at: new Date(Date.now() + 3_600_000).toISOString() },
  });
  expect(again.status).toBe(200);
  const recovered = await stack.db.db.event.findMany({ where: { connectedAccountId: victim, type: 'connected_account.recovered' } });
  expect(recovered).toHaveLength(1);
  expect(recovered[0]!.data).toMatchObject({ connected_account_id: victim, auth_config_id: authConfigId });
  const secrets = JSON.stringify((await stack.db.db.event.findMany({ where: { connectedAccountId: victim }, select: { type: true, data: true } })));
  expect(secrets).not.toContain(fresh!.refreshToken);
  expect(secrets).not.toContain(fresh!.accessToken);
});

test('its passes are findable in Temporal by search attributes, with a summary and progress', async () => {
  const [pass] = await completedPasses();
  expect(pass).toBeDefined();
  const handle = stack.temporal.workflow.getHandle(pass!.workflowId);
  const description = await handle.describe();
  expect(await description.staticSummary()).toBe('refresh ahead: renew access tokens expiring within 900 s');
  expect(await handle.result()).toEqual(expect.objectContaining({ seen: expect.any(Number), refreshed: expect.any(Number), needs_reauth: expect.any(Number) }));
  const schedule = await stack.temporal.schedule.getHandle(scheduleId).describe();
  expect(schedule.policies.overlap).toBe('SKIP');
});
