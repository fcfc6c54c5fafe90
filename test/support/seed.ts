import { newId } from '@at/common';
import type { PrismaClient } from '@at/db';
import { Vault } from '@at/vault';
import type { Stack } from './stack';

export type Tenant = { orgId: string; orgToken: string; projectId: string; apiKey: string };
export type OAuthTokens = { accessToken: string; refreshToken?: string; expiresAt?: Date };

const json = (status: number, body: unknown, what: string) => {
  if (status >= 300) throw new Error(`${what} failed: ${status} ${JSON.stringify(body)}`);
  return body as Record<string, string>;
};

/** A new org with one project, through the public API. */
export async function seedTenant(stack: Stack, name = 'tenant'): Promise<Tenant> {
  const org = await stack.request('POST', '/admin/v1/orgs', { headers: { authorization: `Bearer ${stack.env['ADMIN_TOKEN']}` }, body: { name } });
  const o = json(org.status, org.body, 'create org');
  return { orgId: o['id'] as string, orgToken: o['admin_token'] as string, ...(await seedProject(stack, o['admin_token'] as string)) };
}

export async function seedProject(stack: Stack, orgToken: string, name = 'project'): Promise<{ projectId: string; apiKey: string }> {
  const project = await stack.request('POST', '/dashboard/v1/projects', { headers: { authorization: `Bearer ${orgToken}` }, body: { name } });
  const p = json(project.status, project.body, 'create project');
  return { projectId: p['id'] as string, apiKey: p['api_key'] as string };
}

export async function seedAuthConfig(stack: Stack, apiKey: string, body: Record<string, unknown>): Promise<string> {
  const res = await stack.request('POST', '/api/v1/auth_configs', { headers: { 'x-api-key': apiKey }, body });
  return json(res.status, res.body, 'create auth config')['id'] as string;
}

export async function seedConnection(stack: Stack, apiKey: string, authConfigId: string, credentials: Record<string, unknown>, userId = 'user'): Promise<string> {
  const res = await stack.request('POST', '/api/v1/connected_accounts', { headers: { 'x-api-key': apiKey }, body: { auth_config_id: authConfigId, user_id: userId, credentials } });
  return json(res.status, res.body, 'create connected account')['id'] as string;
}

export const oauthCredentials = (t: OAuthTokens) => ({
  access_token: t.accessToken,
  ...(t.refreshToken ? { refresh_token: t.refreshToken } : {}),
  ...(t.expiresAt ? { expires_at: t.expiresAt.toISOString() } : {}),
});

/**
 * Many connected accounts at once, straight into the database with sealed credentials (the API
 * path is exercised elsewhere; fault and load runs need tens of thousands quickly).
 */
export async function bulkConnections(db: PrismaClient, vaultKeys: string, authConfigId: string, tokens: OAuthTokens[]): Promise<string[]> {
  const vault = Vault.fromSpec(vaultKeys);
  const config = await db.authConfig.findUniqueOrThrow({ where: { id: authConfigId } });
  const ids: string[] = [];
  for (let i = 0; i < tokens.length; i += 2000) {
    const chunk = tokens.slice(i, i + 2000).map((t, j) => ({ id: newId('ca'), t, user: `bulk-user-${i + j}` }));
    await db.connectedAccount.createMany({
      data: chunk.map((c) => ({ id: c.id, orgId: config.orgId, projectId: config.projectId, authConfigId, userId: c.user })),
    });
    await db.credential.createMany({
      data: chunk.map((c) => ({
        connectedAccountId: c.id,
        sealed: vault.sealJson({ type: 'oauth2', access_token: c.t.accessToken, ...(c.t.refreshToken ? { refresh_token: c.t.refreshToken } : {}) }, c.id),
        expiresAt: c.t.expiresAt ?? null,
      })),
    });
    ids.push(...chunk.map((c) => c.id));
  }
  return ids;
}

/** Polls a job until it is no longer running. */
export async function waitForJob(stack: Stack, path: string, headers: Record<string, string>, timeoutMs = 120_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await stack.request('GET', path, { headers });
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    if (res.body['status'] !== 'running') return res.body;
    if (Date.now() > deadline) throw new Error(`job still running after ${timeoutMs} ms: ${JSON.stringify(res.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Every result of a job, following next_cursor to the end. */
export async function allResults(stack: Stack, jobPath: string, headers: Record<string, string>, outcome?: string): Promise<Array<Record<string, unknown>>> {
  const items: Array<Record<string, unknown>> = [];
  let cursor: string | null = null;
  do {
    const query: URLSearchParams = new URLSearchParams({ limit: '100', ...(outcome ? { outcome } : {}), ...(cursor ? { cursor } : {}) });
    const res = await stack.request<{ items: Array<Record<string, unknown>>; next_cursor: string | null }>('GET', `${jobPath}/results?${query}`, { headers });
    if (res.status !== 200) throw new Error(`results: ${res.status} ${JSON.stringify(res.body)}`);
    items.push(...res.body.items);
    cursor = res.body.next_cursor;
  } while (cursor);
  return items;
}
