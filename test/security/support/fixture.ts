import { randomBytes } from 'node:crypto';
// not a dependency of the root package: read the catalog where it lives
import { catalogEntries } from '@at/providers';
import { createProviderServer, type ProviderServer } from '@at/devstack';
import { oauthCredentials, seedAuthConfig, seedConnection, seedProject, seedTenant, waitForJob, type Tenant } from '../../support/seed';
import type { Stack } from '../../support/stack';
import type { Dictionary } from './cases';

export const CLIENT = { clientId: 'security-app', clientSecret: `client-secret-${randomBytes(12).toString('hex')}` };

export type Credential = {
  label: string;
  headers: Record<string, string>;
  /** Called after a request with it succeeded: a credential that request used up (a signed-out session) renews itself. */
  afterSuccess?: (method: string) => Promise<void>;
};
export type Credentials = { valid: Credential; stranger?: Credential; invalid: Credential[] };

export type SecurityFixture = {
  provider: ProviderServer;
  a: Tenant;
  /** A second project of tenant a, there to be deleted by fuzzed requests. */
  a2: { projectId: string; apiKey: string };
  b: Tenant;
  /** The stranger who calls: owns nothing the generators know, so never deletes its own access. */
  c: Tenant;
  ids: Record<string, string>;
  /** Every credential, token and key the fixture knows in plaintext: none may leak. */
  secrets: string[];
  /** Cursors issued to tenant a (and one to b), for replay and forgery cases. */
  cursors: Record<string, string>;
  dictionary: Dictionary;
  /** Credentials by OpenAPI security scheme name. */
  credentials: Record<string, Credentials>;
};

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function get(stack: Stack, path: string, headers: Record<string, string>): Promise<Record<string, unknown>> {
  const res = await stack.request('GET', path, { headers });
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

async function thermosGet(stack: Stack, path: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${stack.thermos.url ?? ''}${path}`, { headers: bearer(stack.env['THERMOS_SERVICE_TOKEN'] as string) });
  if (res.status !== 200) throw new Error(`thermos GET ${path}: ${res.status}`);
  return (await res.json()) as Record<string, unknown>;
}

/**
 * Two tenants with projects, keys, auth configs (a live RFC 7009 provider and an API-key
 * toolkit), connections holding known secrets, finished jobs on both surfaces, and cursors.
 */
export async function seedSecurityFixture(stack: Stack): Promise<SecurityFixture> {
  const provider = await createProviderServer({ clients: [CLIENT] });
  const admin = bearer(stack.env['ADMIN_TOKEN'] as string);
  const a = await seedTenant(stack, 'tenant a');
  const a2 = await seedProject(stack, a.orgToken, 'deletable project');
  const b = await seedTenant(stack, 'tenant b');
  const c = await seedTenant(stack, 'tenant c');
  const oauthConfig = (apiKey: string) =>
    seedAuthConfig(stack, apiKey, { toolkit: 'oauth2', auth_scheme: 'oauth2', client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret, revocation_endpoint: `${provider.url}/revoke`, token_endpoint: `${provider.url}/token` });

  const acA = await oauthConfig(a.apiKey);
  const acKeys = await seedAuthConfig(stack, a.apiKey, { toolkit: 'openai', auth_scheme: 'api_key' });
  const acA2 = await oauthConfig(a2.apiKey);
  const acB = await oauthConfig(b.apiKey);
  const tokens = provider.issueTokens(6, CLIENT.clientId);
  const secrets = [CLIENT.clientSecret, a.apiKey, a.orgToken, a2.apiKey, b.apiKey, b.orgToken, c.apiKey, c.orgToken, ...['ADMIN_TOKEN', 'THERMOS_SERVICE_TOKEN', 'CURSOR_SECRET'].map((k) => stack.env[k] as string)];
  secrets.push((stack.env['VAULT_KEYS'] as string).split(':')[1] as string);
  const connect = async (apiKey: string, ac: string, i: number, user: string) => {
    const t = tokens[i] as { access_token: string; refresh_token: string };
    secrets.push(t.access_token, t.refresh_token);
    return seedConnection(stack, apiKey, ac, oauthCredentials({ accessToken: t.access_token, refreshToken: t.refresh_token }), user);
  };
  const caA = [await connect(a.apiKey, acA, 0, 'user-1'), await connect(a.apiKey, acA, 1, 'user-2'), await connect(a.apiKey, acA, 2, 'üñî-user')];
  const keyConnections: string[] = [];
  for (let i = 0; i < 2; i += 1) {
    const key = `end-user-api-key-${i}-${randomBytes(12).toString('hex')}`;
    secrets.push(key);
    keyConnections.push(await seedConnection(stack, a.apiKey, acKeys, { api_key: key }, `key-user-${i}`));
  }
  const caA2 = await connect(a2.apiKey, acA2, 3, 'user-p2');
  const caB = await connect(b.apiKey, acB, 4, 'user-b');

  const extraKey = await stack.request('POST', `/dashboard/v1/projects/${a.projectId}/api_keys`, { headers: bearer(a.orgToken) });
  const deletedKey = await stack.request('POST', `/dashboard/v1/projects/${a.projectId}/api_keys`, { headers: bearer(a.orgToken) });
  await stack.request('DELETE', `/dashboard/v1/projects/${a.projectId}/api_keys/${deletedKey.body['id'] as string}`, { headers: bearer(a.orgToken) });
  const bKeys = await get(stack, `/dashboard/v1/projects/${b.projectId}/api_keys`, bearer(b.orgToken));
  secrets.push(extraKey.body['api_key'] as string, deletedKey.body['api_key'] as string);

  // finished jobs: a's API-key connections (2 results: a results cursor exists at limit=1), a dashboard job, b's job
  const job = async (path: string, headers: Record<string, string>, scope: Record<string, string>) => {
    const res = await stack.request('POST', path, { headers, body: { scope } });
    if (res.status !== 202) throw new Error(`create job: ${res.status} ${JSON.stringify(res.body)}`);
    const id = res.body['id'] as string;
    await waitForJob(stack, `${path}/${id}`, headers);
    return id;
  };
  const pjA = await job('/api/v1/revoke_jobs', { 'x-api-key': a.apiKey }, { type: 'auth_config', id: acKeys });
  const ojA = await job('/dashboard/v1/revoke_jobs', bearer(a.orgToken), { type: 'connected_account', id: caA[2] as string });
  const pjB = await job('/api/v1/revoke_jobs', { 'x-api-key': b.apiKey }, { type: 'connected_account', id: caB });

  const jobRows = await stack.db.db.job.findMany({ select: { id: true, workflowId: true, runId: true } });
  const runOf = (id: string) => jobRows.find((j) => j.id === id) as { workflowId: string; runId: string };
  const cursors: Record<string, string> = {
    accounts: (await get(stack, '/api/v1/connected_accounts?limit=1', { 'x-api-key': a.apiKey }))['next_cursor'] as string,
    accountsFiltered: (await get(stack, `/api/v1/connected_accounts?limit=1&auth_config_id=${acA}`, { 'x-api-key': a.apiKey }))['next_cursor'] as string,
    authConfigs: (await get(stack, '/api/v1/auth_configs?limit=1', { 'x-api-key': a.apiKey }))['next_cursor'] as string,
    projects: (await get(stack, '/dashboard/v1/projects?limit=1', bearer(a.orgToken)))['next_cursor'] as string,
    results: (await get(stack, `/api/v1/revoke_jobs/${pjA}/results?limit=1`, { 'x-api-key': a.apiKey }))['next_cursor'] as string,
    thermosItems: (await thermosGet(stack, `/v1/workflows/${runOf(pjA).workflowId}/runs/${runOf(pjA).runId}/items?limit=1`))['next_cursor'] as string,
  };
  for (const [name, cursor] of Object.entries(cursors)) if (typeof cursor !== 'string') delete cursors[name];

  const ids = {
    orgA: a.orgId,
    orgB: b.orgId,
    projectA: a.projectId,
    projectA2: a2.projectId,
    projectB: b.projectId,
    extraKeyA: extraKey.body['id'] as string,
    keyB: ((bKeys['items'] as Array<{ id: string }>)[0] as { id: string }).id,
    acA,
    acKeys,
    acA2,
    acB,
    caA0: caA[0] as string,
    caA1: caA[1] as string,
    caKey0: keyConnections[0] as string,
    caA2,
    caB,
    pjA,
    ojA,
    pjB,
  };
  // The caller's own project and key are left out on purpose: deleting them would turn every
  // later "valid credential" case into a 401 and blind the rest of the run.
  const pathIds = Object.entries(ids).filter(([name]) => name !== 'projectA').map(([, id]) => id);
  const dictionary: Dictionary = {
    id: pathIds,
    key_id: [ids.extraKeyA, ids.keyB],
    auth_config_id: [acA, acKeys, acA2, acB],
    cursor: Object.values(cursors),
    workflow_id: jobRows.map((j) => j.workflowId),
    run_id: jobRows.map((j) => j.runId),
    toolkit: catalogEntries().map((e) => e.slug),
    revocation_endpoint: [`${provider.url}/revoke`],
    token_endpoint: [`${provider.url}/token`],
    client_id: [CLIENT.clientId],
    user_id: ['user-1', 'üñî-user', 'key-user-0'],
    outcome: ['revoked', 'unsupported_by_provider'],
  };

  const random = (prefix: string) => `${prefix}${randomBytes(32).toString('base64url')}`;
  // console sessions of tenant a (the caller) and c (the stranger); DELETE signs out, so it runs last
  const session = async (orgToken: string) => {
    const res = await fetch(`${stack.apollo.url}/console/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: orgToken }) });
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] as string;
    const { csrf_token: csrf } = (await res.json()) as { csrf_token: string };
    secrets.push(cookie.split('=')[1] as string);
    return { cookie, 'x-csrf-token': csrf };
  };
  // signing out ends a session: sign in again, so later cases still hold a live one
  const renewAfterSignOut = (headers: Record<string, string>, orgToken: string) => async (method: string) => {
    if (method === 'DELETE') Object.assign(headers, await session(orgToken));
  };
  const sessionA = await session(a.orgToken);
  const sessionC = await session(c.orgToken);
  dictionary['token'] = [a.orgToken, random('ato_')];
  const credentials: Record<string, Credentials> = {
    apiKey: {
      valid: { label: 'api key of tenant a', headers: { 'x-api-key': a.apiKey } },
      stranger: { label: 'api key of tenant c', headers: { 'x-api-key': c.apiKey } },
      invalid: [
        { label: 'none', headers: {} },
        { label: 'empty', headers: { 'x-api-key': '' } },
        { label: 'unknown key', headers: { 'x-api-key': random('atk_') } },
        { label: 'deleted key', headers: { 'x-api-key': deletedKey.body['api_key'] as string } },
        { label: 'truncated key', headers: { 'x-api-key': a.apiKey.slice(0, -1) } },
        { label: 'org token as api key', headers: { 'x-api-key': a.orgToken } },
        { label: 'api key as bearer', headers: bearer(a.apiKey) },
        { label: 'oversized key', headers: { 'x-api-key': 'k'.repeat(4000) } },
        { label: 'sql in key', headers: { 'x-api-key': "' OR 1=1--" } },
      ],
    },
    orgToken: {
      valid: { label: 'org token of tenant a', headers: bearer(a.orgToken) },
      stranger: { label: 'org token of tenant c', headers: bearer(c.orgToken) },
      invalid: [
        { label: 'none', headers: {} },
        { label: 'unknown token', headers: bearer(random('ato_')) },
        { label: 'api key as bearer', headers: bearer(a.apiKey) },
        { label: 'admin token as org token', headers: bearer(stack.env['ADMIN_TOKEN'] as string) },
        { label: 'basic auth', headers: { authorization: `Basic ${Buffer.from(`x:${a.orgToken}`).toString('base64')}` } },
        { label: 'bearer without token', headers: { authorization: 'Bearer' } },
        { label: 'two tokens', headers: { authorization: `Bearer ${a.orgToken} ${a.orgToken}` } },
        { label: 'org token in x-api-key', headers: { 'x-api-key': a.orgToken } },
      ],
    },
    adminToken: {
      valid: { label: 'admin token', headers: admin },
      invalid: [
        { label: 'none', headers: {} },
        { label: 'org token as admin token', headers: bearer(a.orgToken) },
        { label: 'truncated admin token', headers: bearer((stack.env['ADMIN_TOKEN'] as string).slice(0, -1)) },
        { label: 'token scheme', headers: { authorization: `Token ${stack.env['ADMIN_TOKEN'] as string}` } },
        { label: 'service token as admin token', headers: bearer(stack.env['THERMOS_SERVICE_TOKEN'] as string) },
      ],
    },
    consoleSession: {
      valid: { label: 'console session of tenant a', headers: sessionA, afterSuccess: renewAfterSignOut(sessionA, a.orgToken) },
      stranger: { label: 'console session of tenant c', headers: sessionC, afterSuccess: renewAfterSignOut(sessionC, c.orgToken) },
      invalid: [
        { label: 'none', headers: {} },
        { label: 'forged session cookie', headers: { cookie: `at_console_session=${random('acs_')}`, 'x-csrf-token': sessionA['x-csrf-token'] } },
        { label: 'org token as bearer, no cookie', headers: bearer(a.orgToken) },
        { label: 'org token as cookie', headers: { cookie: `at_console_session=${a.orgToken}` } },
      ],
    },
    public: { valid: { label: 'no credential', headers: {} }, invalid: [] },
    serviceToken: {
      valid: { label: 'service token', headers: bearer(stack.env['THERMOS_SERVICE_TOKEN'] as string) },
      invalid: [
        { label: 'none', headers: {} },
        { label: 'admin token as service token', headers: admin },
        { label: 'service token with a suffix', headers: bearer(`${stack.env['THERMOS_SERVICE_TOKEN'] as string}x`) },
        { label: 'api key as service token', headers: bearer(a.apiKey) },
      ],
    },
  };
  return { provider, a, a2, b, c, ids, secrets, cursors, dictionary, credentials };
}
