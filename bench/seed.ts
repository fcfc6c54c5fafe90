import { newId } from '@at/common';
import { type SpawnedProviderServer } from '@at/devstack';
import { Vault } from '@at/vault';
import { createDb, transaction, type PrismaClient } from '@at/db';
import { type Api } from './api';

export type Tenant = { orgId: string; orgToken: string };
export type SeededProject = { projectId: string; apiKey: string; authConfigId: string };

/** An org through the admin API. */
export async function seedOrg(api: Api, adminToken: string): Promise<Tenant> {
  const org = await api.expect<{ id: string; admin_token: string }>('POST', '/admin/v1/orgs', { authorization: `Bearer ${adminToken}` }, { name: 'bench org' });
  return { orgId: org.id, orgToken: org.admin_token };
}

/** A project (with its API key) and a generic RFC 7009 auth config at `provider` (its token endpoint too), through the API. */
export async function seedProject(api: Api, tenant: Tenant, name: string, provider: SpawnedProviderServer, client: { clientId: string; clientSecret: string }): Promise<SeededProject> {
  const project = await api.expect<{ id: string; api_key: string }>('POST', '/dashboard/v1/projects', { authorization: `Bearer ${tenant.orgToken}` }, { name });
  const authConfig = await api.expect<{ id: string }>('POST', '/api/v1/auth_configs', { 'x-api-key': project.api_key }, {
    toolkit: 'oauth2',
    auth_scheme: 'oauth2',
    client_id: client.clientId,
    client_secret: client.clientSecret,
    revocation_endpoint: `${provider.url}/revoke`,
    token_endpoint: `${provider.url}/token`,
  });
  return { projectId: project.id, apiKey: project.api_key, authConfigId: authConfig.id };
}

const MINT_BATCH = 50_000;
const INSERT_BATCH = 5_000;
const INSERTS_IN_FLIGHT = 3;

/**
 * `n` live connected accounts of an auth config, each holding a fresh token pair minted by the
 * provider, sealed as apollo seals them. Straight into Postgres with multi-row inserts (unnest
 * arrays, a few in flight while the next batch is sealed): a million rows in about a minute,
 * where the API would take an hour. With `expiresAt`, every access token expires then (and
 * refresh ahead looks at the credentials).
 */
export async function bulkSeedConnections(
  databaseUrl: string,
  vaultKeys: string,
  provider: SpawnedProviderServer,
  clientId: string,
  target: { orgId: string } & SeededProject,
  n: number,
  onProgress: (done: number) => void = () => undefined,
  expiresAt: Date | null = null,
): Promise<void> {
  const vault = Vault.fromSpec(vaultKeys);
  const db = createDb({ url: databaseUrl, poolSize: INSERTS_IN_FLIGHT, applicationName: 'bench-seed' });
  const inFlight = new Set<Promise<void>>();
  let done = 0;
  try {
    for (let minted = 0; minted < n; minted += MINT_BATCH) {
      const pairs = await provider.control.mint(clientId, Math.min(MINT_BATCH, n - minted));
      for (let i = 0; i < pairs.length; i += INSERT_BATCH) {
        const ids: string[] = [];
        const users: string[] = [];
        const sealed: string[] = [];
        for (const [j, pair] of pairs.slice(i, i + INSERT_BATCH).entries()) {
          const id = newId('ca');
          ids.push(id);
          users.push(`bench-user-${minted + i + j}`);
          const credential = { type: 'oauth2', access_token: pair.access_token, refresh_token: pair.refresh_token, ...(expiresAt ? { expires_at: expiresAt.toISOString() } : {}) };
          sealed.push(JSON.stringify(vault.sealJson(credential, id)));
        }
        while (inFlight.size >= INSERTS_IN_FLIGHT) await Promise.race(inFlight);
        const insert = insertBatch(db, target, ids, users, sealed, expiresAt).then(() => {
          inFlight.delete(insert);
          done += ids.length;
          onProgress(done);
        });
        inFlight.add(insert);
      }
    }
    await Promise.all(inFlight);
  } finally {
    await Promise.allSettled(inFlight);
    await db.$disconnect();
  }
}

async function insertBatch(db: PrismaClient, target: { orgId: string } & SeededProject, ids: string[], users: string[], sealed: string[], expiresAt: Date | null): Promise<void> {
  await transaction(db, async (tx) => {
    await tx.$executeRawUnsafe(
      `INSERT INTO connected_accounts (id, org_id, project_id, auth_config_id, user_id)
       SELECT u.id, $2, $3, $4, u.user_id FROM unnest($1::text[], $5::text[]) AS u(id, user_id)`,
      ids,
      target.orgId,
      target.projectId,
      target.authConfigId,
      users,
    );
    await tx.$executeRawUnsafe(
      `INSERT INTO credentials (connected_account_id, sealed, expires_at, refreshable) SELECT u.id, u.sealed::jsonb, $3, $3::timestamptz IS NOT NULL FROM unnest($1::text[], $2::text[]) AS u(id, sealed)`,
      ids,
      sealed,
      expiresAt,
    );
  });
}

const IMPORT_BATCH = 1000;
const IMPORTS_IN_FLIGHT = 4;

/**
 * Like bulkSeedConnections, but the way a platform would bring its connections in: through
 * POST /api/v1/connected_accounts/import, 1,000 accounts per NDJSON request, a few in flight,
 * each with an Idempotency-Key (a retried batch, after a 429 or 503, creates nothing twice).
 * Apollo seals every credential; what this measures is the import, sealing included.
 */
export async function importConnections(
  apolloUrl: string,
  provider: SpawnedProviderServer,
  clientId: string,
  target: SeededProject,
  n: number,
  onProgress: (done: number) => void = () => undefined,
  expiresAt: Date | null = null,
): Promise<{ mintMs: number }> {
  const inFlight = new Set<Promise<void>>();
  let done = 0;
  let batch = 0;
  let mintMs = 0;
  try {
    for (let minted = 0; minted < n; minted += MINT_BATCH) {
      const mintStarted = performance.now();
      const pairs = await provider.control.mint(clientId, Math.min(MINT_BATCH, n - minted));
      mintMs += performance.now() - mintStarted;
      for (let i = 0; i < pairs.length; i += IMPORT_BATCH) {
        const lines = pairs.slice(i, i + IMPORT_BATCH).map((pair, j) =>
          JSON.stringify({
            auth_config_id: target.authConfigId,
            user_id: `bench-user-${minted + i + j}`,
            credentials: { access_token: pair.access_token, refresh_token: pair.refresh_token, ...(expiresAt ? { expires_at: expiresAt.toISOString() } : {}) },
          }),
        );
        while (inFlight.size >= IMPORTS_IN_FLIGHT) await Promise.race(inFlight);
        const send = importBatch(apolloUrl, target, `${target.projectId}-${batch}`, `${lines.join('\n')}\n`, lines.length).then(() => {
          inFlight.delete(send);
          done += lines.length;
          onProgress(done);
        });
        batch += 1;
        inFlight.add(send);
      }
    }
    await Promise.all(inFlight);
    return { mintMs };
  } finally {
    await Promise.allSettled(inFlight);
  }
}

async function importBatch(apolloUrl: string, target: SeededProject, key: string, body: string, expected: number): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    const res = await fetch(`${apolloUrl}/api/v1/connected_accounts/import`, {
      method: 'POST',
      headers: { 'x-api-key': target.apiKey, 'content-type': 'application/x-ndjson', 'idempotency-key': key },
      body,
    });
    const text = await res.text();
    if ((res.status === 429 || res.status === 503) && attempt < 10) {
      await new Promise((resolve) => setTimeout(resolve, 1000 * Number(res.headers.get('retry-after') ?? 1)));
      continue;
    }
    if (res.status !== 200) throw new Error(`import answered ${res.status}: ${text.slice(0, 300)}`);
    const answer = JSON.parse(text) as { created: number; failed: number };
    if (answer.created !== expected) throw new Error(`import created ${answer.created} of ${expected} (${answer.failed} failed)`);
    return;
  }
}
