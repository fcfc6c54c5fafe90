/**
 * What a user would write instead of this system: read the live connections of a project from
 * Postgres, decrypt each credential with the vault, and revoke it at the provider (RFC 7009:
 * refresh token first, then access token, as thermos does) with p-limit. No Temporal, no
 * per-connection bookkeeping, no durability: a crash halfway leaves nobody knowing what is done.
 * HTTP_CLIENT=agent (default) sends through a keep-alive http.Agent, as thermos does; `fetch`
 * is what most scripts would use, at about four times the CPU per request.
 *
 * Run by the benchmark as its own process:
 *   DATABASE_URL=… VAULT_KEYS=… PROJECT_ID=prj_… CONCURRENCY=256 tsx bench/plain-script.ts
 * Prints one JSON line: {"connections":…,"requests":…,"failures":…,"ms":…}.
 */
import http from 'node:http';
import pLimit from 'p-limit';
import { createDb } from '@at/db';
import { Vault } from '@at/vault';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

type Row = { id: string; client_id: string; client_secret_sealed: unknown; auth_config_id: string; revocation_endpoint: string; sealed: unknown };
type OAuthCredential = { access_token?: string; refresh_token?: string };

const READ_PAGE = 10_000;

type Post = (url: string, headers: Record<string, string>, body: string) => Promise<number>;

const agent = new http.Agent({ keepAlive: true });
const viaAgent: Post = (url, headers, body) =>
  new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
const viaFetch: Post = async (url, headers, body) => {
  const response = await fetch(url, { method: 'POST', headers, body });
  await response.arrayBuffer();
  return response.status;
};

async function main(): Promise<void> {
  const db = createDb({ url: env('DATABASE_URL'), poolSize: 2, applicationName: 'plain-script' });
  const vault = Vault.fromSpec(env('VAULT_KEYS'));
  const projectId = env('PROJECT_ID');
  const limit = pLimit(Number(env('CONCURRENCY')));
  const post = process.env['HTTP_CLIENT'] === 'fetch' ? viaFetch : viaAgent;
  const authorizations = new Map<string, string>();
  let connections = 0;
  let requests = 0;
  let failures = 0;

  const revoke = async (row: Row): Promise<void> => {
    let authorization = authorizations.get(row.auth_config_id);
    if (!authorization) {
      const secret = vault.openJson<string>(row.client_secret_sealed, row.auth_config_id);
      authorization = `Basic ${Buffer.from(`${encodeURIComponent(row.client_id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
      authorizations.set(row.auth_config_id, authorization);
    }
    const credential = vault.openJson<OAuthCredential>(row.sealed, row.id);
    for (const [hint, token] of [['refresh_token', credential.refresh_token], ['access_token', credential.access_token]] as const) {
      if (!token) continue;
      requests += 1;
      const status = await post(row.revocation_endpoint, { authorization, 'content-type': 'application/x-www-form-urlencoded' }, new URLSearchParams({ token, token_type_hint: hint }).toString());
      if (status !== 200) failures += 1;
    }
    connections += 1;
  };

  const started = performance.now();
  let after = '';
  for (;;) {
    const rows = await db.$queryRaw<Row[]>`
      SELECT ca.id, ca.auth_config_id, ac.client_id, ac.client_secret_sealed, ac.revocation_endpoint, c.sealed
      FROM connected_accounts ca JOIN auth_configs ac ON ac.id = ca.auth_config_id JOIN credentials c ON c.connected_account_id = ca.id
      WHERE ca.project_id = ${projectId} AND ca.status <> 'revoked' AND ca.deleted_at IS NULL AND ac.deleted_at IS NULL AND ca.id > ${after}
      ORDER BY ca.id LIMIT ${READ_PAGE}`;
    if (rows.length === 0) break;
    await Promise.all(rows.map((row) => limit(() => revoke(row))));
    after = rows[rows.length - 1]?.id ?? after;
  }
  const ms = performance.now() - started;
  await db.$disconnect();
  agent.destroy();
  process.stdout.write(`${JSON.stringify({ connections, requests, failures, ms })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`plain script failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
