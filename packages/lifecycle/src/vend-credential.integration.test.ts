import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { createLogger, newId } from '@at/common';
import type { PrismaClient } from '@at/db';
import { createRefresher, type OAuthCredential } from '@at/providers';
import { createTestDatabase, type TestDatabase } from '@at/testkit';
import { Vault } from '@at/vault';
import { readCredentialState } from './credential-state';
import { takeLease } from './lease';
import { refreshCredential, type LifecycleDeps } from './refresh-credential';
import { refreshTiming } from './timing';
import { recordRefreshed, replaceCredential } from './transitions';
import { vendCredential } from './vend-credential';

const LEAD_MS = 300_000;

type Reply = { status: number; body?: unknown; headers?: Record<string, string>; delayMs?: number };

let database: TestDatabase;
let db: PrismaClient;
const vault = Vault.fromSpec(`k1:${randomBytes(32).toString('base64')}`);
const logger = createLogger({ service: 'test', level: 'error' });
let provider: { url: string; refreshTokens: string[]; reply: (n: number) => Reply; close: () => Promise<void> };
let orgId: string;
let projectId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  orgId = newId('org');
  projectId = newId('prj');
  await db.org.create({ data: { id: orgId, name: 'acme', projects: { create: { id: projectId, name: 'p' } } } });
  const refreshTokens: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      refreshTokens.push(new URLSearchParams(Buffer.concat(chunks).toString()).get('refresh_token') ?? '');
      const answer = provider.reply(refreshTokens.length);
      setTimeout(() => {
        res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
        res.end(JSON.stringify(answer.body ?? {}));
      }, answer.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  provider = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`,
    refreshTokens,
    reply: rotating,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
});
afterAll(async () => {
  await provider?.close();
  await database?.drop();
});
beforeEach(() => {
  provider.refreshTokens.length = 0;
  provider.reply = rotating;
});

/** A rotating provider: every refresh answers a new pair numbered by the request. */
function rotating(n: number): Reply {
  return { status: 200, body: { access_token: `at-${n}`, refresh_token: `rt-${n}`, token_type: 'Bearer', expires_in: 3600 } };
}

function deps(timing = refreshTiming(2_000)): LifecycleDeps {
  return { db, vault, refresher: createRefresher({ egress: { allowInsecureLoopback: true } }), logger, timing };
}

/** An oauth2 connection whose access token expires at `expiresAt`. */
async function connection(expiresAt: Date | null, credential: Partial<OAuthCredential> = {}): Promise<string> {
  const authConfigId = newId('ac');
  await db.authConfig.create({
    data: { id: authConfigId, orgId, projectId, toolkit: 'oauth2', authScheme: 'oauth2', clientId: 'app', clientSecretSealed: vault.sealJson('app-secret', authConfigId), revocationEndpoint: 'http://127.0.0.1:1/revoke', tokenEndpoint: provider.url },
  });
  const id = newId('ca');
  const stored: OAuthCredential = { type: 'oauth2', access_token: 'at-0', refresh_token: 'rt-0', ...credential };
  await db.connectedAccount.create({
    data: { id, orgId, projectId, authConfigId, userId: 'u', credential: { create: { sealed: vault.sealJson(stored, id), expiresAt, refreshable: true } } },
  });
  return id;
}

const past = () => new Date(Date.now() - 60_000);
const soon = () => new Date(Date.now() + 60_000);
const later = () => new Date(Date.now() + 3_600_000);
const stored = async (id: string) => vault.openJson<OAuthCredential>((await db.credential.findUniqueOrThrow({ where: { connectedAccountId: id } })).sealed, id);

test('a token not due is served as stored, without a provider call', async () => {
  const id = await connection(later());
  expect(await vendCredential(deps(), id, { leadMs: LEAD_MS })).toMatchObject({ kind: 'ok', refreshed: false, credential: { access_token: 'at-0' } });
  expect(provider.refreshTokens).toEqual([]);
});

test('a due token is refreshed first; the rotated pair is stored, the version bumped and the lease released', async () => {
  const id = await connection(soon());
  const result = await vendCredential(deps(), id, { leadMs: LEAD_MS });
  expect(result).toMatchObject({ kind: 'ok', refreshed: true, credential: { access_token: 'at-1', refresh_token: 'rt-1', token_type: 'Bearer' } });
  expect(provider.refreshTokens).toEqual(['rt-0']);
  expect(await stored(id)).toMatchObject({ access_token: 'at-1', refresh_token: 'rt-1' });
  const row = await db.credential.findUniqueOrThrow({ where: { connectedAccountId: id } });
  expect(row).toMatchObject({ version: 1, refreshLeaseOwner: null, refreshLeaseUntil: null, refreshable: true });
  expect(row.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 3_000_000);
  expect((await db.connectedAccount.findUniqueOrThrow({ where: { id } })).lastRefreshedAt).not.toBeNull();
  // the next vend finds it warm
  expect(await vendCredential(deps(), id, { leadMs: LEAD_MS })).toMatchObject({ kind: 'ok', refreshed: false, credential: { access_token: 'at-1' } });
  expect(provider.refreshTokens).toHaveLength(1);
});

test('an answer without a refresh token keeps the stored one', async () => {
  const id = await connection(past());
  provider.reply = () => ({ status: 200, body: { access_token: 'at-x', expires_in: 60 } });
  expect(await vendCredential(deps(), id, { leadMs: LEAD_MS })).toMatchObject({ kind: 'ok', credential: { access_token: 'at-x', refresh_token: 'rt-0' } });
  expect(await stored(id)).toMatchObject({ access_token: 'at-x', refresh_token: 'rt-0' });
});

test('single flight: 40 concurrent vends cause one refresh, and all get the same fresh token', async () => {
  const id = await connection(past());
  provider.reply = (n) => ({ ...rotating(n), delayMs: 300 });
  const results = await Promise.all(Array.from({ length: 40 }, () => vendCredential(deps(), id, { leadMs: LEAD_MS })));
  expect(provider.refreshTokens).toEqual(['rt-0']);
  for (const result of results) expect(result).toEqual(results[0]);
  expect(results[0]).toMatchObject({ kind: 'ok', refreshed: true, credential: { access_token: 'at-1', refresh_token: 'rt-1' } });
});

test('invalid_grant makes the connection needs_reauth with the provider code; later vends do not call again', async () => {
  const id = await connection(past());
  provider.reply = () => ({ status: 400, body: { error: 'invalid_grant', error_description: 'grant revoked' } });
  expect(await vendCredential(deps(), id, { leadMs: LEAD_MS })).toEqual({ kind: 'needs_reauth', reason: 'invalid_grant' });
  const account = await db.connectedAccount.findUniqueOrThrow({ where: { id }, include: { credential: true } });
  expect(account).toMatchObject({ status: 'needs_reauth', statusReason: 'invalid_grant', lastRefreshError: 'invalid_grant' });
  expect(account.credential).toMatchObject({ refreshable: false, refreshLeaseOwner: null });
  expect(await vendCredential(deps(), id, { leadMs: LEAD_MS })).toEqual({ kind: 'needs_reauth', reason: 'invalid_grant' });
  expect(provider.refreshTokens).toHaveLength(1);
});

describe('a transient failure never changes the status', () => {
  test('with the stored token still valid, it is served; the failure is recorded and refresh ahead backs off', async () => {
    const id = await connection(soon());
    provider.reply = () => ({ status: 503, body: { error: 'temporarily_unavailable' } });
    expect(await vendCredential(deps(), id, { leadMs: LEAD_MS })).toMatchObject({ kind: 'ok', refreshed: false, credential: { access_token: 'at-0' } });
    const account = await db.connectedAccount.findUniqueOrThrow({ where: { id }, include: { credential: true } });
    expect(account).toMatchObject({ status: 'active', statusReason: null, lastRefreshError: 'provider_unavailable' });
    expect(account.credential).toMatchObject({ refreshFailures: 1, refreshLeaseOwner: null });
    expect(account.credential!.refreshRetryAt!.getTime()).toBeGreaterThan(Date.now());
    // within the back-off the still-valid token is served without asking again
    expect(await vendCredential(deps(), id, { leadMs: LEAD_MS })).toMatchObject({ kind: 'ok', credential: { access_token: 'at-0' } });
    expect(provider.refreshTokens).toHaveLength(1);
  });

  test("with the stored token expired, it is unavailable with the provider's Retry-After", async () => {
    const id = await connection(past());
    provider.reply = () => ({ status: 429, body: {}, headers: { 'retry-after': '12' } });
    expect(await vendCredential(deps(), id, { leadMs: LEAD_MS })).toMatchObject({ kind: 'unavailable', transient: true, errorCode: 'rate_limited', retryAfterSeconds: 12 });
    expect((await db.connectedAccount.findUniqueOrThrow({ where: { id } })).status).toBe('active');
  });

  test('a provider slower than the deadline is a timeout: sent once, status unchanged', async () => {
    const id = await connection(past());
    provider.reply = (n) => ({ ...rotating(n), delayMs: 1_500 });
    expect(await vendCredential(deps(refreshTiming(300)), id, { leadMs: LEAD_MS })).toMatchObject({ kind: 'unavailable', transient: true, errorCode: 'timeout' });
    expect(provider.refreshTokens).toEqual(['rt-0']);
    expect((await db.connectedAccount.findUniqueOrThrow({ where: { id } })).status).toBe('active');
  });
});

test("a dead holder's lease blocks the connection only until it lapses; then one refresh happens", async () => {
  const id = await connection(past());
  const timing = refreshTiming(300);
  const state = (await readCredentialState(db, id))!;
  const dead = await takeLease(db, { connectedAccountId: id, owner: 'killed-process', leaseMs: timing.leaseMs, dueWithinMs: LEAD_MS });
  expect(dead).not.toBeNull();
  const results = await Promise.all(Array.from({ length: 5 }, () => vendCredential(deps(timing), id, { leadMs: LEAD_MS })));
  for (const result of results) expect(result).toMatchObject({ kind: 'ok', refreshed: true, credential: { access_token: 'at-1' } });
  expect(provider.refreshTokens).toEqual(['rt-0']);
  // the dead holder's late write-back is fenced off: its lease and version are gone
  expect(await recordRefreshed(db, dead!, { sealed: vault.sealJson({ type: 'oauth2', access_token: 'stale' }, id), expiresAt: null, refreshable: false })).toBeNull();
  expect(await stored(id)).toMatchObject({ access_token: 'at-1' });
  expect(state.version).toBe(0);
});

test('no lease is granted on a connection that is being revoked, so nothing refreshes it', async () => {
  const id = await connection(past());
  await db.connectedAccount.update({ where: { id }, data: { status: 'revoking' } });
  expect(await vendCredential(deps(), id, { leadMs: LEAD_MS })).toEqual({ kind: 'revoked' });
  const state = (await readCredentialState(db, id))!;
  expect(await refreshCredential(deps(), { ...state, status: 'active' }, { dueWithinMs: LEAD_MS })).toEqual({ kind: 'not_taken' });
  expect(provider.refreshTokens).toEqual([]);
});

describe('replacing the credential', () => {
  test('makes a needs_reauth connection active again, same id, and waits out a refresh in flight', async () => {
    const id = await connection(past());
    await db.connectedAccount.update({ where: { id }, data: { status: 'needs_reauth', statusReason: 'invalid_grant' } });
    const replacement = { sealed: vault.sealJson({ type: 'oauth2', access_token: 'at-new', refresh_token: 'rt-new' }, id), expiresAt: later(), refreshable: true };
    expect(await replaceCredential(db, { connectedAccountId: id, projectId, ...replacement })).toEqual({ kind: 'replaced', previousStatus: 'needs_reauth' });
    expect(await db.connectedAccount.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'active', statusReason: null });
    expect(await stored(id)).toMatchObject({ access_token: 'at-new' });

    await db.credential.update({ where: { connectedAccountId: id }, data: { expiresAt: past() } });
    const lease = await takeLease(db, { connectedAccountId: id, owner: 'holder', leaseMs: 10_000, dueWithinMs: LEAD_MS });
    expect(lease).not.toBeNull();
    expect(await replaceCredential(db, { connectedAccountId: id, projectId, ...replacement })).toMatchObject({ kind: 'leased' });
  });

  test('refuses a connection of another project, or one being revoked', async () => {
    const id = await connection(later());
    const replacement = { sealed: vault.sealJson({ type: 'oauth2', access_token: 'x' }, id), expiresAt: null, refreshable: false };
    expect(await replaceCredential(db, { connectedAccountId: id, projectId: newId('prj'), ...replacement })).toEqual({ kind: 'not_found' });
    await db.connectedAccount.update({ where: { id }, data: { status: 'revoking' } });
    expect(await replaceCredential(db, { connectedAccountId: id, projectId, ...replacement })).toEqual({ kind: 'revoked', status: 'revoking' });
  });
});
