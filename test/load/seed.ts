import { createDb } from '@at/db';
import { bulkConnections } from '../support/seed';
import type { LoadClient } from './client';
import { LOAD_CLIENT, type LoadInfra } from './infra';

export type LoadProject = {
  projectId: string;
  headers: Record<string, string>;
  /** Most connections: revoked by one big job whose results are paged during the run. */
  bulkAuthConfigId: string;
  /** Connections revoked one by one (connected_account scope) by creates during the run. */
  singles: string[];
};

async function call(client: LoadClient, method: string, path: string, headers: Record<string, string>, body: unknown, what: string): Promise<Record<string, unknown>> {
  const res = await client.request(method, path, headers, body);
  if (res.status >= 300) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/**
 * One org with `projects` projects; in each, two auth configs at the provider server and
 * `connections / projects` live connections with tokens the provider really issued (a fifth
 * of them kept for connection-scope creates), inserted in bulk with sealed credentials.
 */
export async function seedLoad(infra: LoadInfra, client: LoadClient, projects: number, connections: number, log: (line: string) => void): Promise<LoadProject[]> {
  const db = createDb({ url: infra.databaseUrl, poolSize: 4, applicationName: 'load-seed' });
  try {
    const org = await call(client, 'POST', '/admin/v1/orgs', { authorization: `Bearer ${infra.secrets.ADMIN_TOKEN}` }, { name: 'load org' }, 'create org');
    const orgHeaders = { authorization: `Bearer ${org['admin_token'] as string}` };
    const perProject = Math.floor(connections / projects);
    const seeded: LoadProject[] = [];
    for (let p = 0; p < projects; p += 1) {
      const project = await call(client, 'POST', '/dashboard/v1/projects', orgHeaders, { name: `load project ${p + 1}` }, 'create project');
      const headers = { 'x-api-key': project['api_key'] as string };
      const authConfig = async () =>
        (await call(client, 'POST', '/api/v1/auth_configs', headers, { toolkit: 'oauth2', auth_scheme: 'oauth2', client_id: LOAD_CLIENT.clientId, client_secret: LOAD_CLIENT.clientSecret, revocation_endpoint: `${infra.provider.url}/revoke`, token_endpoint: `${infra.provider.url}/token` }, 'create auth config'))[
          'id'
        ] as string;
      const [bulkAuthConfigId, singlesAuthConfigId] = [await authConfig(), await authConfig()];
      const tokens = (await infra.provider.control.mint(LOAD_CLIENT.clientId, perProject)).map((t) => ({ accessToken: t.access_token, refreshToken: t.refresh_token }));
      const singleCount = Math.floor(perProject / 5);
      const singles = await bulkConnections(db, infra.secrets.VAULT_KEYS, singlesAuthConfigId, tokens.slice(0, singleCount));
      await bulkConnections(db, infra.secrets.VAULT_KEYS, bulkAuthConfigId, tokens.slice(singleCount));
      seeded.push({ projectId: project['id'] as string, headers, bulkAuthConfigId, singles });
      log(`  project ${p + 1}/${projects}: ${perProject} connections`);
    }
    await db.$executeRawUnsafe('VACUUM ANALYZE connected_accounts, credentials');
    return seeded;
  } finally {
    await db.$disconnect();
  }
}
