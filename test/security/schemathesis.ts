/**
 * Schemathesis (PyPI) against both OpenAPI documents of a running system: a second, independent
 * fuzzer next to the jest property suite. Not part of CI (it needs Python and a download); run
 * it with `bash test/security/schemathesis.sh [extra st options]`, which installs it first.
 *
 * Starts the same stack as `pnpm load` (embedded Postgres, Temporal dev server, provider server,
 * thermos, apollo), seeds a tenant with a finished job, then runs `st run` once per security
 * scheme (the platform API with an API key, the dashboard with an org token, the admin API with
 * the admin token, thermos with the service token). Exit code: non-zero if any run failed.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from '@at/devstack';
import { LoadClient } from '../load/client';
import { LOAD_CLIENT, startInfra, Stops } from '../load/infra';

const say = (line = '') => process.stdout.write(`${line}\n`);
const ST = process.env['SCHEMATHESIS_BIN'] ?? path.join(REPO_ROOT, '.tools', 'schemathesis', 'bin', 'st');

function st(args: string[]): Promise<number> {
  say(`\n$ st ${args.map((a) => (a.includes(' ') ? `'${a.replace(/(Bearer |x-api-key: )\S+/, '$1…')}'` : a)).join(' ')}`);
  return new Promise((resolve) => {
    const child = spawn(ST, args, { stdio: 'inherit', env: { ...process.env, SCHEMATHESIS_TELEMETRY: 'false' } });
    child.on('exit', (code) => resolve(code ?? 1));
    child.on('error', (error) => {
      say(`cannot run ${ST}: ${error.message} (run test/security/schemathesis.sh)`);
      resolve(1);
    });
  });
}

async function main(): Promise<void> {
  const extra = process.argv.slice(2);
  const stops = new Stops(say);
  process.on('SIGINT', () => void stops.stopAll().then(() => process.exit(130)));
  let failed = 0;
  try {
    const infra = await startInfra(stops, say, 10_000_000);
    const client = stops.own('http client', new LoadClient(infra.apolloUrl, 8), async (c) => c.close());
    const call = async (method: string, route: string, headers: Record<string, string>, body?: unknown) => {
      const res = await client.request(method, route, headers, body);
      if (res.status >= 300) throw new Error(`${method} ${route}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    };
    const admin = { authorization: `Bearer ${infra.secrets.ADMIN_TOKEN}` };
    const org = await call('POST', '/admin/v1/orgs', admin, { name: 'schemathesis' });
    const orgHeaders = { authorization: `Bearer ${org['admin_token'] as string}` };
    const project = await call('POST', '/dashboard/v1/projects', orgHeaders, { name: 'schemathesis' });
    const key = { 'x-api-key': project['api_key'] as string };
    const ac = await call('POST', '/api/v1/auth_configs', key, { toolkit: 'oauth2', auth_scheme: 'oauth2', client_id: LOAD_CLIENT.clientId, client_secret: LOAD_CLIENT.clientSecret, revocation_endpoint: `${infra.provider.url}/revoke`, token_endpoint: `${infra.provider.url}/token` });
    const [token] = await infra.provider.control.mint(LOAD_CLIENT.clientId, 1);
    await call('POST', '/api/v1/connected_accounts', key, { auth_config_id: ac['id'], user_id: 'st-user', credentials: { access_token: token?.access_token, refresh_token: token?.refresh_token } });
    await call('POST', '/api/v1/revoke_jobs', key, { scope: { type: 'project' } });

    const runs: Array<{ name: string; schema: string; headers: string[]; include?: string }> = [
      { name: 'platform API', schema: `${infra.apolloUrl}/openapi.json`, headers: [`x-api-key: ${key['x-api-key']}`], include: '^/api/' },
      { name: 'dashboard API', schema: `${infra.apolloUrl}/openapi.json`, headers: [`Authorization: ${orgHeaders.authorization}`], include: '^/dashboard/' },
      { name: 'admin API', schema: `${infra.apolloUrl}/openapi.json`, headers: [`Authorization: ${admin.authorization}`], include: '^/admin/' },
      { name: 'thermos run API', schema: `${infra.thermosUrl}/openapi.json`, headers: [`Authorization: Bearer ${infra.secrets.THERMOS_SERVICE_TOKEN}`] },
    ];
    for (const run of runs) {
      say(`\n=== ${run.name} ===`);
      const args = ['run', run.schema, '--checks', 'all', '--max-examples', '50', '--seed', '1', '--workers', '2', ...run.headers.flatMap((h) => ['-H', h])];
      if (run.include) args.push('--include-path-regex', run.include);
      if ((await st([...args, ...extra])) !== 0) failed += 1;
    }
  } catch (error) {
    say(`schemathesis run failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    failed += 1;
  } finally {
    await stops.stopAll();
  }
  say(failed === 0 ? '\nschemathesis: every run passed' : `\nschemathesis: ${failed} run(s) reported failures`);
  process.exit(failed === 0 ? 0 : 1);
}

void main();
