/**
 * The CLI as a person or a script runs it: the real binary (node + tsx, as `pnpm cli` runs it)
 * against a real stack, its output and exit codes; the progress bar on a terminal (a pty from
 * util-linux `script`) and plain lines when stdout is a pipe.
 */
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { createProviderServer, REPO_ROOT, type ProviderServer } from '@at/devstack';
import { providerAuthConfig, providerConnections } from '../support/provider-seed';
import { seedAuthConfig, seedProject } from '../support/seed';
import { startStack, type Stack } from '../support/stack';

const CLIENT = { clientId: 'cli-app', clientSecret: 'cli-app-secret-0123456789' };
const MAIN = path.join(REPO_ROOT, 'apps/cli/src/main.ts');
const N = 12;

let stack: Stack;
let provider: ProviderServer;
let token: string;
let project: { projectId: string; apiKey: string };
let flaky: { projectId: string; apiKey: string };
let slow: { projectId: string; apiKey: string };

type Run = { code: number | null; stdout: string; stderr: string };

function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
      cwd: REPO_ROOT,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', APOLLO_URL: stack.apollo.url, APOLLO_TOKEN: token, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  // small pages revoked two at a time against a slow provider: a job lasts a few polls
  [stack, provider] = await Promise.all([
    startStack({ thermosEnv: { REVOKE_CONCURRENCY: '2', PROVIDER_RETRY_BUDGET_MS: '3000' }, apolloEnv: { REVOKE_PAGE_SIZE: '4', REVOKE_PAGE_PARALLELISM: '1' } }),
    createProviderServer({ clients: [CLIENT] }),
  ]);
  const org = await stack.request<{ admin_token: string }>('POST', '/admin/v1/orgs', { headers: { authorization: `Bearer ${stack.env['ADMIN_TOKEN']}` }, body: { name: 'CLI org' } });
  token = org.body.admin_token;
  project = await seedProject(stack, token, 'cli project');
  flaky = await seedProject(stack, token, 'flaky project');
  await providerConnections(stack, provider, CLIENT, await providerAuthConfig(stack, project.apiKey, provider, CLIENT), N);
  await providerConnections(stack, provider, CLIENT, await providerAuthConfig(stack, flaky.apiKey, provider, CLIENT), 3);
  slow = await seedProject(stack, token, 'slow project');
  await providerConnections(stack, provider, CLIENT, await providerAuthConfig(stack, slow.apiKey, provider, CLIENT), N);
}, 120_000);

afterAll(async () => {
  await Promise.all([stack?.stop(), provider?.close()]);
});

describe('usage errors exit 2 with a message and the usage', () => {
  it.each([
    [[], 'missing command'],
    [['frobnicate'], 'unknown command: frobnicate'],
    [['revoke'], 'name exactly one scope'],
    [['revoke', '--org', '--project', 'prj_00000000000000000000000000'], 'name exactly one scope'],
    [['revoke', '--project', 'ac_00000000000000000000000000'], '--project must look like prj_…'],
    [['revoke', '--project'], "Option '--project <value>' argument missing"],
    [['revoke', '--org', '--force'], "Unknown option '--force'"],
    [['jobs'], 'jobs needs a subcommand'],
    [['jobs', 'get'], 'missing job id'],
    [['jobs', 'get', 'pj_00000000000000000000000000'], 'add --project prj_…'],
    [['jobs', 'results', 'oj_00000000000000000000000000', '--outcome', 'gone'], '--outcome must be one of'],
    [['jobs', 'list', '--limit', '0'], '--limit must be 1..100'],
    [['jobs', 'list', 'extra'], 'unexpected argument: extra'],
    [['health'], 'missing --project'],
    [['health', '--project', 'ac_00000000000000000000000000'], '--project must look like prj_…'],
    [['health', 'extra', '--project', 'prj_00000000000000000000000000'], 'unexpected argument: extra'],
    [['jobs', 'cancel'], 'missing job id'],
    [['jobs', 'cancel', 'pj_00000000000000000000000000'], 'add --project prj_…'],
    [['connect-link'], 'missing --project'],
    [['connect-link', '--project', 'prj_00000000000000000000000000'], 'missing --auth-config'],
    [['connect-link', '--project', 'prj_00000000000000000000000000', '--auth-config', 'ac_00000000000000000000000000'], 'missing --user'],
    [['connect-link', '--project', 'prj_00000000000000000000000000', '--auth-config', 'ac_00000000000000000000000000', '--user', 'u'], 'missing --redirect-uri'],
    [['connect-link', '--project', 'prj_00000000000000000000000000', '--auth-config', 'ca_00000000000000000000000000'], '--auth-config must look like ac_…'],
    [['connect-link', 'extra', '--project', 'prj_00000000000000000000000000'], 'unexpected argument: extra'],
  ])('%j', async (args, message) => {
    const run = await cli(args);
    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 2, stdout: '' });
    expect(run.stderr).toContain(message);
    expect(run.stderr).toContain('usage: pnpm cli');
  });

  it('a missing token is a usage error; a wrong one is a failure', async () => {
    const missing = await cli(['jobs', 'list'], { APOLLO_TOKEN: '' });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('set APOLLO_TOKEN');
    const wrong = await cli(['jobs', 'list'], { APOLLO_TOKEN: 'ato_wrong' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('apollo answered 401 unauthenticated');
  });

  it('an unreachable apollo is a failure, said in one line', async () => {
    const run = await cli(['jobs', 'list'], { APOLLO_URL: 'http://127.0.0.1:9' });
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('an unknown job is a failure with apollo\'s code', async () => {
    const run = await cli(['jobs', 'get', 'oj_00000000000000000000000000']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('apollo answered 404 not_found');
  });
});

describe('health', () => {
  it('counts connections by status per auth config, and exits 1 while one needs re-auth', async () => {
    const ok = await cli(['health', '--project', project.projectId]);
    expect(ok).toMatchObject({ code: 0, stderr: '' });
    expect(ok.stdout).toMatch(/^auth config\s+toolkit\s+active\s+needs_reauth\s+revoking\s+revoked$/m);
    expect(ok.stdout).toMatch(new RegExp(`^ac_\\w+\\s+oauth2\\s+${N}\\s+0\\s+0\\s+0$`, 'm'));
    expect(ok.stdout).toContain('no connection needs re-authorisation');

    const one = await stack.db.db.connectedAccount.findFirstOrThrow({ where: { projectId: project.projectId } });
    await stack.db.db.connectedAccount.update({ where: { id: one.id }, data: { status: 'needs_reauth', statusReason: 'invalid_grant' } });
    try {
      const failing = await cli(['health', '--project', project.projectId, '--json']);
      expect(failing.code).toBe(1);
      expect(JSON.parse(failing.stdout)).toEqual({ any_needs_reauth: true, items: [expect.objectContaining({ toolkit: 'oauth2', active: N - 1, needs_reauth: 1 })] });
      const user = await cli(['health', '--project', project.projectId, '--user', one.userId]);
      expect(user.code).toBe(1);
      expect(user.stdout).toMatch(/^ac_\w+\s+oauth2\s+0\s+1\s+0\s+0$/m);
      expect((await cli(['health', '--project', project.projectId, '--user', 'nobody'])).stdout).toContain('no connections');
    } finally {
      await stack.db.db.connectedAccount.update({ where: { id: one.id }, data: { status: 'active', statusReason: null } });
    }
  });

  it("another org's project is a failure with apollo's code", async () => {
    const run = await cli(['health', '--project', 'prj_00000000000000000000000000']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('404 not_found');
  });
});

describe('revoke', () => {
  it('--dry-run counts by provider and changes nothing, as text and as JSON', async () => {
    const text = await cli(['revoke', '--project', project.projectId, '--dry-run']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`dry run: ${N} live connections in project ${project.projectId} would be revoked`);
    expect(text.stdout).toMatch(new RegExp(`oauth2\\s+${N}\\n`));
    const json = await cli(['revoke', '--project', project.projectId, '--dry-run', '--json']);
    expect(JSON.parse(json.stdout)).toEqual({ dry_run: true, scope: { type: 'project', id: project.projectId }, total: N, by_provider: { oauth2: N } });
    expect(await stack.db.db.connectedAccount.count({ where: { projectId: project.projectId, status: 'active' } })).toBe(N);
  });

  it('--watch on a pipe prints plain progress lines to 100% and exits 0 when the job completes', async () => {
    provider.setFaults({ latencyMs: 250 });
    const run = await cli(['revoke', '--project', project.projectId, '--watch']);
    provider.setFaults({});
    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(/[\r\x1b]/);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(/^started oj_[0-9A-Z]{26}$/);
    const progress = lines.filter((line) => line.startsWith('progress '));
    expect(progress.length).toBeGreaterThanOrEqual(2);
    // 0/0 0% while the snapshot is still counting the project
    for (const line of progress) expect(line).toMatch(new RegExp(`^progress (\\d+/${N} \\d+%|0/0 0%) rate (–|[\\d.]+/s) eta (–|\\S+)`));
    const done = progress.map((line) => Number(/^progress (\d+)\//.exec(line)?.[1]));
    expect(done).toEqual([...done].sort((a, b) => a - b));
    expect(progress[progress.length - 1]).toMatch(new RegExp(`^progress ${N}/${N} 100% `));
    expect(run.stdout).toMatch(/status {4}completed/);
    expect(run.stdout).toContain(`outcomes  revoked ${N}, already revoked 0, unsupported 0, failed 0, pending 0`);
    expect(await stack.db.db.connectedAccount.count({ where: { projectId: project.projectId, status: 'revoked' } })).toBe(N);
  });

  it('--watch on a terminal draws a bar redrawn in place', async () => {
    const probe = spawnSync('script', ['--version'], { encoding: 'utf8' });
    expect(probe.status).toBe(0);
    const command = [process.execPath, '--import', 'tsx', MAIN, 'revoke', '--project', project.projectId, '--watch'].map((a) => `'${a}'`).join(' ');
    // asynchronously: apollo and thermos run in this process and must keep answering
    const run = await new Promise<{ status: number | null; stdout: string }>((resolve, reject) => {
      const child = spawn('script', ['-qec', command, '/dev/null'], {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', APOLLO_URL: stack.apollo.url, APOLLO_TOKEN: token, TERM: 'xterm', COLUMNS: '100' },
      });
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.on('error', reject);
      child.on('close', (status) => resolve({ status, stdout }));
    });
    expect(run.status).toBe(0);
    // the project was revoked above: nothing left, the bar goes straight to full
    expect(run.stdout).toMatch(/\r\x1b\[2K\[#+\] 0\/0 100% /);
    expect(run.stdout).not.toMatch(/^progress /m);
  });

  it('--watch --json prints only the final job, as JSON', async () => {
    const run = await cli(['revoke', '--project', project.projectId, '--watch', '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ id: expect.stringMatching(/^oj_/), status: 'completed', scope: { type: 'project', id: project.projectId } });
  });
});

describe('a job that fails, its results and its retry', () => {
  let jobId: string;

  it('revoke --watch exits 1 when connections failed', async () => {
    provider.setFaults({ invalidClient: true });
    const run = await cli(['revoke', '--project', flaky.projectId, '--watch']);
    provider.setFaults({});
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('failed 3');
    jobId = /^started (oj_\S+)$/m.exec(run.stdout)?.[1] as string;
    expect(jobId).toMatch(/^oj_/);
  });

  it('jobs results --outcome failed lists each failed connection with its error code', async () => {
    const run = await cli(['jobs', 'results', jobId, '--outcome', 'failed']);
    expect(run.code).toBe(0);
    const rows = run.stdout.trim().split('\n').slice(2);
    expect(rows).toHaveLength(3);
    for (const row of rows) expect(row).toMatch(/^ca_\S+\s+failed\s+-\s+invalid_client\s+/);
    const json = await cli(['jobs', 'results', jobId, '--outcome', 'failed', '--json', '--all']);
    expect((JSON.parse(json.stdout) as unknown[]).length).toBe(3);
  });

  it('jobs list shows the jobs newest first; jobs get shows one', async () => {
    const list = await cli(['jobs', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout.split('\n')[2]).toContain(jobId);
    const get = await cli(['jobs', 'get', jobId, '--json']);
    expect(JSON.parse(get.stdout)).toMatchObject({ id: jobId, status: 'completed', counts: { failed: 3 } });
  });

  it('jobs retry --watch re-runs the failed connections and exits 0 once they are revoked', async () => {
    const run = await cli(['jobs', 'retry', jobId, '--watch']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^started oj_\\S+ \\(retry of ${jobId}\\)$`, 'm'));
    expect(run.stdout).toContain('outcomes  revoked 3, already revoked 0, unsupported 0, failed 0, pending 0');
    // the retry itself has nothing left to retry: apollo says 422, the CLI fails
    const retryId = /^started (oj_\S+) /m.exec(run.stdout)?.[1] as string;
    const again = await cli(['jobs', 'retry', retryId]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('apollo answered 422 nothing_to_retry');
  });
});

describe('jobs cancel', () => {
  let cancelledId: string;

  it('cancels a running job: --watch on a pipe prints plain lines and exits 0 once it is cancelled; a second cancel fails', async () => {
    // a slow provider: the job is still sending when the cancel arrives
    provider.setFaults({ latencyMs: 1500 });
    try {
      const started = await cli(['revoke', '--project', slow.projectId]);
      expect(started.code).toBe(0);
      const jobId = /^started (oj_\S+) /m.exec(started.stdout)?.[1] as string;
      expect(jobId).toMatch(/^oj_/);
      cancelledId = jobId;
      const run = await cli(['jobs', 'cancel', jobId, '--watch']);
      expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
      expect(run.stdout).not.toMatch(/[\r\x1b]/);
      expect(run.stdout.split('\n')[0]).toBe(`cancelling ${jobId}`);
      expect(run.stdout).toMatch(/status {4}cancelled/);
      const job = JSON.parse((await cli(['jobs', 'get', jobId, '--json'])).stdout) as { status: string; counts: { cancelled: number; revoked: number; total: number } };
      expect(job.status).toBe('cancelled');
      expect(job.counts.cancelled).toBeGreaterThan(0);
      expect(job.counts.cancelled + job.counts.revoked).toBe(job.counts.total);
      // what was not sent is still live at the provider's side of our records
      expect(await stack.db.db.connectedAccount.count({ where: { projectId: slow.projectId, status: 'active' } })).toBe(job.counts.cancelled);

      const cancelled = await cli(['jobs', 'results', jobId, '--outcome', 'cancelled', '--json', '--all']);
      expect((JSON.parse(cancelled.stdout) as unknown[]).length).toBe(job.counts.cancelled);

      const again = await cli(['jobs', 'cancel', jobId]);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('apollo answered 409 job_finished');
    } finally {
      provider.setFaults({});
    }
  });

  it('--json prints the job as apollo answered the cancellation', async () => {
    provider.setFaults({ latencyMs: 1500 });
    try {
      // the retry takes the cancelled connections; it is cancelled in turn
      const started = await cli(['jobs', 'retry', cancelledId]);
      expect(started.code).toBe(0);
      const retryId = /^started (oj_\S+) /m.exec(started.stdout)?.[1] as string;
      const run = await cli(['jobs', 'cancel', retryId, '--json']);
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ id: retryId, scope: { type: 'project', id: slow.projectId } });
      await cli(['jobs', 'get', retryId, '--watch']);
    } finally {
      provider.setFaults({});
    }
  });

  it("cancels a project's own job (pj_, started with its API key) under --project", async () => {
    provider.setFaults({ latencyMs: 1500 });
    try {
      const live = await stack.db.db.connectedAccount.count({ where: { projectId: slow.projectId, status: 'active' } });
      expect(live).toBeGreaterThan(0);
      const started = await stack.request<{ id: string }>('POST', '/api/v1/revoke_jobs', { headers: { 'x-api-key': slow.apiKey }, body: { scope: { type: 'project', id: slow.projectId } } });
      expect(started.body.id).toMatch(/^pj_/);
      const run = await cli(['jobs', 'cancel', started.body.id, '--project', slow.projectId, '--watch']);
      expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
      expect(run.stdout).toMatch(/status {4}cancelled/);
      // the API key sees its job cancelled
      expect((await stack.request<{ status: string }>('GET', `/api/v1/revoke_jobs/${started.body.id}`, { headers: { 'x-api-key': slow.apiKey } })).body.status).toBe('cancelled');
    } finally {
      provider.setFaults({});
    }
  });
});

describe('connect-link', () => {
  const REDIRECT = 'https://app.cli.test/connected';

  it('prints the URL of a new hosted connect session, alone on stdout; --json prints the session', async () => {
    await stack.request('PATCH', `/dashboard/v1/projects/${project.projectId}`, { headers: { authorization: `Bearer ${token}` }, body: { allowed_redirect_uris: [REDIRECT] } });
    const config = await seedAuthConfig(stack, project.apiKey, { toolkit: 'openai', auth_scheme: 'api_key' });
    const run = await cli(['connect-link', '--project', project.projectId, '--auth-config', config, '--user', 'user-42', '--redirect-uri', REDIRECT]);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^https?:\/\/\S+\/connect\/\S+$/);
    // the link works: the hosted page answers it
    expect((await fetch(lines[0] as string, { redirect: 'manual' })).status).toBeLessThan(400);
    const session = await stack.db.db.connectSession.findFirstOrThrow({ where: { projectId: project.projectId, userId: 'user-42' } });
    expect(session.authConfigId).toBe(config);

    const json = await cli(['connect-link', '--project', project.projectId, '--auth-config', config, '--user', 'user-43', '--redirect-uri', REDIRECT, '--json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ id: expect.stringMatching(/^cs_/), connect_url: expect.stringContaining('/connect/'), expires_at: expect.any(String), status: 'pending' });
  });

  it('a redirect URI the project does not allow is a usage error (apollo says 400); an unknown auth config a failure', async () => {
    const config = (await stack.db.db.authConfig.findFirstOrThrow({ where: { projectId: project.projectId, toolkit: 'openai' } })).id;
    const bad = await cli(['connect-link', '--project', project.projectId, '--auth-config', config, '--user', 'u', '--redirect-uri', 'https://evil.test/']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('apollo answered 400 invalid_request: redirect_uri is not allowed');
    expect(bad.stderr).toContain('body.redirect_uri');
    expect(bad.stdout).toBe('');
    const unknown = await cli(['connect-link', '--project', project.projectId, '--auth-config', 'ac_00000000000000000000000000', '--user', 'u', '--redirect-uri', 'https://app.cli.test/connected']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('apollo answered 404 not_found');
  });
});
