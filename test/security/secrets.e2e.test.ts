/**
 * Secrets at rest and in flight: API keys and org admin tokens are stored only as hashes; no
 * token, client secret, API key or deployment secret is ever found in a response (other than the
 * one that issued it, once), a log line, a workflow history, a search attribute, a memo or a
 * summary; and no plaintext credential is left in any column of any table, before or after the
 * credentials are revoked. Every job trigger runs, and one provider rejects our client, so the
 * failure paths are covered too.
 */
import { createHash, randomBytes } from 'node:crypto';
import { SEARCH_ATTRIBUTE_NAMES, secretsEqual } from '@at/common';
import { createProviderServer, type ProviderServer } from '@at/devstack';
import { hashSecret } from '@at/apollo';
import { findPlaintexts } from '../support/database-state';
import { waitForJob } from '../support/seed';
import { startStack, type Stack } from '../support/stack';
import { waitForQuiet } from './support/quiet';
import { closeRawAgent, rawRequest } from './support/raw-http';
import { decodedText, historyChain, type RunRecord } from './support/temporal-text';

const CLIENT = { clientId: 'secrets-app', clientSecret: `client-secret-${randomBytes(16).toString('hex')}` };
const WRONG_CLIENT_SECRET = `wrong-client-secret-${randomBytes(16).toString('hex')}`;

type Exchange = { request: string; status: number; text: string; issued: string[] };

let stack: Stack;
let provider: ProviderServer;
const exchanges: Exchange[] = [];
/** Every secret in play, by kind, in plaintext. */
const secrets: Record<string, string[]> = { apiKeys: [], orgTokens: [], clientSecrets: [CLIENT.clientSecret, WRONG_CLIENT_SECRET], providerTokens: [], endUserApiKeys: [], deployment: [] };
/** End-user ids: personal data that must stay out of Temporal. */
const userIds: string[] = [];
let scanBeforeRevocation: Awaited<ReturnType<typeof findPlaintexts>>;
const runs: RunRecord[] = [];
let org: { id: string; token: string };

/** One apollo call, recorded; `issues` names the response fields that hand out a new secret. */
async function api(method: string, path: string, headers: Record<string, string>, body?: unknown, issues: string[] = []): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await rawRequest(stack.apollo.url, {
    method,
    path,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (res.json ?? {}) as Record<string, unknown>;
  const issued = issues.map((field) => json[field]).filter((v): v is string => typeof v === 'string');
  exchanges.push({ request: `${method} ${path}`, status: res.status, text: res.text, issued });
  return { status: res.status, body: json };
}

const all = () => Object.values(secrets).flat();
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function project(orgToken: string, name: string): Promise<{ id: string; key: string; headers: Record<string, string> }> {
  const res = await api('POST', '/dashboard/v1/projects', bearer(orgToken), { name }, ['api_key']);
  const key = res.body['api_key'] as string;
  secrets.apiKeys?.push(key);
  return { id: res.body['id'] as string, key, headers: { 'x-api-key': key } };
}

async function authConfig(headers: Record<string, string>, body: Record<string, unknown>): Promise<string> {
  const res = await api('POST', '/api/v1/auth_configs', headers, body);
  expect(res.status).toBe(201);
  return res.body['id'] as string;
}

async function oauthConnections(headers: Record<string, string>, authConfigId: string, n: number, user: string): Promise<string[]> {
  const ids: string[] = [];
  for (const [i, t] of provider.issueTokens(n, CLIENT.clientId).entries()) {
    secrets.providerTokens?.push(t.access_token, t.refresh_token);
    userIds.push(`${user}-${i}@example.com`);
    const res = await api('POST', '/api/v1/connected_accounts', headers, { auth_config_id: authConfigId, user_id: `${user}-${i}@example.com`, credentials: { access_token: t.access_token, refresh_token: t.refresh_token } });
    expect(res.status).toBe(201);
    ids.push(res.body['id'] as string);
  }
  return ids;
}

beforeAll(async () => {
  [stack, provider] = await Promise.all([startStack({ thermosEnv: { PROVIDER_RATE_LIMITS: JSON.stringify({ oauth2: 0 }), PROVIDER_RETRY_BUDGET_MS: '2000' } }), createProviderServer({ clients: [CLIENT] })]);
  secrets.deployment?.push(...['ADMIN_TOKEN', 'THERMOS_SERVICE_TOKEN', 'CURSOR_SECRET'].map((k) => stack.env[k] as string), (stack.env['VAULT_KEYS'] as string).split(':')[1] as string);
  const admin = bearer(stack.env['ADMIN_TOKEN'] as string);

  const created = await api('POST', '/admin/v1/orgs', admin, { name: 'secrets org' }, ['admin_token']);
  org = { id: created.body['id'] as string, token: created.body['admin_token'] as string };
  secrets.orgTokens?.push(org.token);
  const main = await project(org.token, 'main');
  const doomed = await project(org.token, 'to be deleted');
  const adminRevoked = await project(org.token, 'revoked by the admin');
  const extraKey = await api('POST', `/dashboard/v1/projects/${main.id}/api_keys`, bearer(org.token), undefined, ['api_key']);
  secrets.apiKeys?.push(extraKey.body['api_key'] as string);

  const endpoint = `${provider.url}/revoke`;
  const oauth = (headers: Record<string, string>, clientSecret = CLIENT.clientSecret) =>
    authConfig(headers, { toolkit: 'oauth2', auth_scheme: 'oauth2', client_id: CLIENT.clientId, client_secret: clientSecret, revocation_endpoint: endpoint, token_endpoint: `${provider.url}/token` });
  const acMain = await oauth(main.headers);
  // the provider rejects this client: its connections fail with invalid_client
  const acWrong = await oauth(main.headers, WRONG_CLIENT_SECRET);
  const acKeys = await authConfig(main.headers, { toolkit: 'openai', auth_scheme: 'api_key' });
  const [single] = await oauthConnections(main.headers, acMain, 4, 'main-user');
  await oauthConnections(main.headers, acWrong, 2, 'wrong-client-user');
  for (let i = 0; i < 2; i += 1) {
    const key = `end-user-api-key-${randomBytes(16).toString('hex')}`;
    secrets.endUserApiKeys?.push(key);
    userIds.push(`key-user-${i}@example.com`);
    expect((await api('POST', '/api/v1/connected_accounts', main.headers, { auth_config_id: acKeys, user_id: `key-user-${i}@example.com`, credentials: { api_key: key } })).status).toBe(201);
  }
  await oauthConnections(doomed.headers, await oauth(doomed.headers), 2, 'doomed-user');
  await oauthConnections(adminRevoked.headers, await oauth(adminRevoked.headers), 2, 'admin-user');

  // rejected requests that carry secrets in the wrong places: no value is echoed back (a field
  // *name* is, in `fields`, so a caller who sends a token as a key name gets it back)
  const [leaky] = provider.issueTokens(1, CLIENT.clientId);
  secrets.providerTokens?.push(leaky!.access_token, leaky!.refresh_token);
  for (const body of [
    { auth_config_id: acMain, user_id: 'u', credentials: { access_token: 42, refresh_token: leaky!.refresh_token, bogus: leaky!.access_token } },
    { auth_config_id: acMain, user_id: `${leaky!.access_token}\u0000`, credentials: { access_token: leaky!.access_token } },
    { auth_config_id: acKeys, user_id: 'u', credentials: { api_key: leaky!.access_token, access_token: leaky!.refresh_token } },
  ]) {
    expect((await api('POST', '/api/v1/connected_accounts', main.headers, body)).status).toBe(400);
  }
  expect((await api('POST', '/api/v1/auth_configs', main.headers, { toolkit: leaky!.access_token, auth_scheme: 'oauth2', client_secret: WRONG_CLIENT_SECRET })).status).toBe(400);
  expect((await api('GET', '/api/v1/connected_accounts', { 'x-api-key': `${main.key}x` })).status).toBe(401);
  expect((await api('GET', '/dashboard/v1/projects', bearer(main.key))).status).toBe(401);

  await waitForQuiet(stack.db.db);
  scanBeforeRevocation = await findPlaintexts(stack.db.db, all());

  // every trigger: synchronous connection revoke, API job, dashboard delete, admin revoke, dashboard org job
  expect((await api('POST', `/api/v1/connected_accounts/${single as string}/revoke`, main.headers)).status).toBe(200);
  const job = await api('POST', '/api/v1/revoke_jobs', main.headers, { scope: { type: 'project' } });
  expect(job.status).toBe(202);
  await waitForJob(stack, `/api/v1/revoke_jobs/${job.body['id'] as string}`, main.headers);
  expect((await api('DELETE', `/dashboard/v1/projects/${doomed.id}?revoke_on_delete=true`, bearer(org.token))).status).toBe(200);
  expect((await api('POST', `/admin/v1/projects/${adminRevoked.id}/revoke_tokens`, admin)).status).toBe(202);
  await waitForQuiet(stack.db.db);
  const orgJob = await api('POST', '/dashboard/v1/revoke_jobs', bearer(org.token), { scope: { type: 'org' } });
  expect(orgJob.status).toBe(202);
  await waitForQuiet(stack.db.db);
  const retry = await api('POST', `/api/v1/revoke_jobs/${job.body['id'] as string}/retry`, main.headers);
  expect(retry.status).toBe(202);
  await waitForQuiet(stack.db.db);

  // read everything back through the API, so results and statuses are in the responses checked
  for (const row of await stack.db.db.job.findMany()) {
    const headers = row.id.startsWith('pj_') ? (row.projectId === main.id ? main.headers : row.projectId === adminRevoked.id ? adminRevoked.headers : doomed.headers) : bearer(org.token);
    const base = row.id.startsWith('pj_') ? '/api/v1' : '/dashboard/v1';
    await api('GET', `${base}/revoke_jobs/${row.id}`, headers);
    await api('GET', `${base}/revoke_jobs/${row.id}/results?limit=100`, headers);
  }
  await api('GET', '/api/v1/connected_accounts?limit=100', main.headers);
  await api('GET', '/api/v1/auth_configs?limit=100', main.headers);
  await api('GET', `/dashboard/v1/projects/${main.id}/api_keys`, bearer(org.token));

  const chains = await stack.db.db.job.findMany({ distinct: ['workflowId', 'runId'], select: { workflowId: true, runId: true } });
  for (const chain of chains) runs.push(...(await historyChain(stack.temporal, chain.workflowId, chain.runId)));
}, 240_000);

afterAll(async () => {
  closeRawAgent();
  await provider?.close();
  await stack?.stop();
});

test('the jobs ran: every trigger, with revoked, unsupported and failed outcomes', async () => {
  const jobs = await stack.db.db.job.findMany();
  const triggers = new Set(jobs.map((j) => (j.metadata as { trigger: string }).trigger));
  expect([...triggers].sort()).toEqual(['admin', 'api', 'dashboard', 'delete', 'retry']);
  const outcomes = await stack.db.db.revokeItem.groupBy({ by: ['outcome'], _count: true });
  expect(outcomes.map((o) => o.outcome).sort()).toEqual(['failed', 'revoked', 'unsupported_by_provider']);
  expect(runs.length).toBeGreaterThanOrEqual(jobs.length);
});

test('API keys and org admin tokens are stored as SHA-256 hashes only', async () => {
  const keys = await stack.db.db.apiKey.findMany({ select: { keyHash: true } });
  const stored = new Set(keys.map((k) => k.keyHash));
  for (const key of secrets.apiKeys ?? []) expect(stored.has(createHash('sha256').update(key).digest('hex'))).toBe(true);
  const tokens = await stack.db.db.orgAdminToken.findMany({ select: { tokenHash: true } });
  expect(tokens.map((t) => t.tokenHash)).toContain(hashSecret(org.token));
});

test('the comparison of a presented secret never throws on a length mismatch (it compares fixed-size digests)', () => {
  const key = secrets.apiKeys?.[0] as string;
  expect(secretsEqual(key, key)).toBe(true);
  for (const other of ['', 'x', key.slice(0, -1), `${key}x`, 'k'.repeat(10_000)]) expect(secretsEqual(other, key)).toBe(false);
});

test('no plaintext secret in any text or JSON column of any table, while the credentials were live', () => {
  expect(scanBeforeRevocation.columnsScanned).toBeGreaterThan(50);
  expect(scanBeforeRevocation.valuesScanned).toBeGreaterThan(100);
  expect(scanBeforeRevocation.hits).toEqual([]);
});

test('no plaintext secret in any column after revocation, and the revoked credentials are shredded', async () => {
  const scan = await findPlaintexts(stack.db.db, all());
  expect(scan.hits).toEqual([]);
  const revoked = await stack.db.db.connectedAccount.findMany({ where: { status: 'revoked' }, include: { credential: true } });
  expect(revoked.length).toBeGreaterThan(5);
  expect(revoked.filter((a) => a.credential?.sealed !== null || a.credential.destroyedAt === null).map((a) => a.id)).toEqual([]);
});

test('no response carries a secret, except the one response that issues a new key or token', () => {
  expect(exchanges.length).toBeGreaterThan(40);
  const leaks = exchanges.flatMap((e) => all().filter((s) => e.text.includes(s) && !e.issued.includes(s)).map((s) => ({ request: e.request, status: e.status, secret: `${s.slice(0, 8)}…` })));
  expect(leaks).toEqual([]);
  // each issued secret was shown exactly once
  for (const secret of [...(secrets.apiKeys ?? []), ...(secrets.orgTokens ?? [])]) expect(exchanges.filter((e) => e.text.includes(secret))).toHaveLength(1);
});

test('no log line of apollo or thermos carries a secret', () => {
  const logs = [...stack.logs.apollo, ...stack.logs.thermos];
  expect(logs.length).toBeGreaterThan(50);
  const leaks = logs.flatMap((line) => all().filter((s) => line.includes(s)).map((s) => ({ secret: `${s.slice(0, 8)}…`, line: line.slice(0, 200) })));
  expect(leaks).toEqual([]);
});

test('no workflow history carries a secret or an end-user id, payloads decoded', () => {
  expect(runs.length).toBeGreaterThan(5);
  const needles = [...all(), ...userIds];
  const leaks = runs.flatMap((run) => needles.filter((s) => run.text.includes(s)).map((s) => ({ run: `${run.workflowId}/${run.runId}`, found: `${s.slice(0, 8)}…` })));
  expect(leaks).toEqual([]);
  // the decoding works: the histories do contain the connection ids that travel in payloads
  expect(runs.some((run) => /ca_[0-9A-Z]{26}/.test(run.text) || /prj_[0-9A-Z]{26}/.test(run.text))).toBe(true);
});

test('search attributes, memo, summary and details of every run hold ids and kinds only', async () => {
  const idOrKind = /^((org|prj|ac|ca|oj|pj)_[0-9A-Z]{26}|none|org|project|auth_config|connected_account|api|dashboard|delete|retry|admin)$/;
  const needles = [...all(), ...userIds];
  for (const run of runs) {
    const handle = stack.temporal.workflow.getHandle(run.workflowId, run.runId);
    const description = await handle.describe();
    const attributes = description.typedSearchAttributes
      .getAll()
      .map((pair) => ({ key: pair.key.name, value: pair.value }))
      .filter(({ key }) => SEARCH_ATTRIBUTE_NAMES.includes(key));
    expect(attributes).toHaveLength(SEARCH_ATTRIBUTE_NAMES.length);
    for (const { key, value } of attributes) {
      expect({ key, value: typeof value === 'string' && idOrKind.test(value) }).toEqual({ key, value: true });
    }
    const text = [decodedText(description.raw), decodedText(description.memo ?? {}), (await description.staticSummary()) ?? '', (await description.staticDetails()) ?? ''].join('\n');
    const found = needles.filter((s) => text.includes(s)).map((s) => `${s.slice(0, 8)}…`);
    expect({ run: run.runId, found }).toEqual({ run: run.runId, found: [] });
  }
});
