/**
 * The web console in a real Chromium against a real stack (apollo serving the built console,
 * thermos, Temporal, an OAuth server and an RFC 7009 provider on loopback): sign-in, every page
 * with seeded data, a revoke started from the console to 100%, retry, revoke-one, sessions that
 * end, CSRF, keyboard use and a narrow window; webhook endpoints (secret shown once, rotate,
 * delete) with their delivery log, pause/resume with the red banner, cancel, the audit log. Each test leaves a screenshot (in docs/console/ with UPDATE_SCREENSHOTS=1).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { createProviderServer, startOAuthServer, type OAuthServerHandle, type ProviderServer } from '@at/devstack';
import { providerAuthConfig, providerConnections } from '../support/provider-seed';
import { oauthCredentials, seedAuthConfig, seedConnection, seedProject, waitForJob } from '../support/seed';
import { startStack, type Stack } from '../support/stack';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { launchBrowser, screenshot, type Browser } from './browser';

const CLIENT = { clientId: 'console-app', clientSecret: 'console-app-secret-0123456789' };
const DIST = path.resolve(__dirname, '../../apps/console/dist/index.html');

let stack: Stack;
let oauth: OAuthServerHandle;
let provider: ProviderServer;
let browser: Browser;
let page: Page;
let org: { id: string; token: string };
let billing: { projectId: string; apiKey: string };
let support: { projectId: string; apiKey: string };
let ops: { projectId: string; apiKey: string };
let receiver: WebhookReceiver;
let endpointId: string;
const secrets: string[] = [];
const userIds: string[] = [];
const pageErrors: string[] = [];
let needsReauthId: string;
let oauthConfig: string;
let keyConfig: string;

const url = (route = '') => `${stack.apollo.url}/console/${route}`;

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The text a person sees, checked for every secret the test knows. */
async function expectNoSecretRendered(): Promise<void> {
  const html = await page.content();
  const leaks = secrets.filter((secret) => html.includes(secret));
  expect(leaks).toEqual([]);
}

async function signInWithKeyboard(token: string): Promise<void> {
  await page.getByRole('heading', { name: 'Sign in to the Apollo console' }).waitFor();
  await page.getByLabel('Org admin token').focus();
  await page.keyboard.type(token);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Projects' }).waitFor();
}

/** A <progress>'s value and max (the test's compilation has no DOM types). */
const barFigures = (el: unknown) => [(el as { value: number }).value, (el as { max: number }).max];

async function jobIdOfCurrentPage(): Promise<string> {
  const heading = await page.getByRole('heading', { level: 1, name: /^Revoke job / }).textContent();
  return (heading ?? '').replace('Revoke job ', '').trim();
}

/** Waits until apollo says the job finished, then until the page shows that status. */
async function jobFinishes(jobId: string, status = 'completed'): Promise<void> {
  await waitForJob(stack, `/dashboard/v1/revoke_jobs/${jobId}`, { authorization: `Bearer ${org.token}` });
  await page.getByRole('definition').getByText(status, { exact: true }).waitFor();
  await page.getByRole('definition').getByText('running', { exact: true }).waitFor({ state: 'detached' });
}

beforeAll(async () => {
  if (!existsSync(DIST)) throw new Error('the console is not built: run ./scripts/install.sh (or pnpm exec turbo run build --filter=@at/console)');
  [stack, oauth, provider] = await Promise.all([
    startStack({ thermosEnv: { PROVIDER_RETRY_BUDGET_MS: '3000' } }),
    startOAuthServer({ clients: [CLIENT] }),
    createProviderServer({ clients: [CLIENT] }),
  ]);
  const created = await stack.request<{ id: string; admin_token: string }>('POST', '/admin/v1/orgs', { headers: { authorization: `Bearer ${stack.env['ADMIN_TOKEN']}` }, body: { name: 'Acme Inc' } });
  org = { id: created.body.id, token: created.body.admin_token };
  billing = await seedProject(stack, org.token, 'Billing');
  support = await seedProject(stack, org.token, 'Support');
  secrets.push(org.token, billing.apiKey, support.apiKey, stack.env['ADMIN_TOKEN'] as string);

  oauthConfig = await seedAuthConfig(stack, billing.apiKey, {
    toolkit: 'oauth2',
    auth_scheme: 'oauth2',
    client_id: CLIENT.clientId,
    client_secret: CLIENT.clientSecret,
    revocation_endpoint: oauth.revocationEndpoint,
    token_endpoint: oauth.tokenEndpoint,
  });
  for (const [i, token] of (await oauth.mint(CLIENT.clientId, 'end-user', 8)).entries()) {
    const userId = `user-${String(i + 1).padStart(2, '0')}@acme.test`;
    userIds.push(userId);
    secrets.push(token.accessToken, token.refreshToken);
    const id = await seedConnection(stack, billing.apiKey, oauthConfig, oauthCredentials(token), userId);
    if (i === 7) needsReauthId = id;
  }
  await stack.db.db.connectedAccount.update({ where: { id: needsReauthId }, data: { status: 'needs_reauth' } });
  keyConfig = await seedAuthConfig(stack, billing.apiKey, { toolkit: 'openai', auth_scheme: 'api_key' });
  secrets.push('atlassian-api-key-0123456789abcdef');
  await seedConnection(stack, billing.apiKey, keyConfig, { api_key: 'atlassian-api-key-0123456789abcdef' }, 'ops@acme.test');
  // a job the project's own API key started: the project page lists it
  const apiJob = await stack.request<{ id: string }>('POST', '/api/v1/revoke_jobs', { headers: { 'x-api-key': billing.apiKey }, body: { scope: { type: 'auth_config', id: keyConfig } } });
  await waitForJob(stack, `/api/v1/revoke_jobs/${apiJob.body.id}`, { 'x-api-key': billing.apiKey });

  // Ops: three connections the pause and cancel tests hold and cancel
  ops = await seedProject(stack, org.token, 'Ops');
  secrets.push(ops.apiKey);
  const opsConfig = await seedAuthConfig(stack, ops.apiKey, {
    toolkit: 'oauth2',
    auth_scheme: 'oauth2',
    client_id: CLIENT.clientId,
    client_secret: CLIENT.clientSecret,
    revocation_endpoint: oauth.revocationEndpoint,
    token_endpoint: oauth.tokenEndpoint,
  });
  for (const [i, token] of (await oauth.mint(CLIENT.clientId, 'ops-user', 3)).entries()) {
    secrets.push(token.accessToken, token.refreshToken);
    await seedConnection(stack, ops.apiKey, opsConfig, oauthCredentials(token), `ops-${i + 1}@acme.test`);
  }
  receiver = await startWebhookReceiver({ kind: 'ok' });

  const supportConfig = await providerAuthConfig(stack, support.apiKey, provider, CLIENT);
  const seeded = await providerConnections(stack, provider, CLIENT, supportConfig, 5);
  secrets.push(...seeded.tokens);

  browser = await launchBrowser();
  page = browser.page;
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/.test(message.text())) pageErrors.push(message.text());
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all([stack?.stop(), oauth?.stop(), provider?.close(), receiver?.stop()]);
});

test('apollo serves the console with a strict CSP and no inline script', async () => {
  const res = await fetch(url());
  expect(res.status).toBe(200);
  expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
  expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
  expect(res.headers.get('content-security-policy')).not.toContain('unsafe-inline');
  const html = await res.text();
  expect(html).toMatch(/<script type="module" crossorigin src="\/console\/assets\/[^"]+\.js"><\/script>/);
  expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  expect(html).not.toMatch(/https?:\/\//);
});

test('sign-in refuses a wrong token, then signs in with the keyboard alone and shows the projects', async () => {
  await page.goto(url());
  await page.getByLabel('Org admin token').fill('ato_not-a-real-token');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').filter({ hasText: 'not a valid org admin token' }).waitFor();
  await page.getByLabel('Org admin token').fill('');
  await screenshot(page, 'sign-in');

  await signInWithKeyboard(org.token);
  const projects = page.getByRole('table', { name: 'Projects' });
  await projects.getByRole('link', { name: 'Billing', exact: true }).waitFor();
  await projects.getByRole('link', { name: 'Support', exact: true }).waitFor();
  await projects.getByText('Needs re-auth').waitFor();
  // the HttpOnly cookie is invisible to the page's scripts
  expect(await page.evaluate('document.cookie')).toBe('');
  await screenshot(page, 'projects');
  await expectNoSecretRendered();
});

test("a project page: the amber re-auth banner, its connections filtered, one revoked, and its API jobs", async () => {
  await page.getByRole('table', { name: 'Projects' }).getByRole('link', { name: 'Billing', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Billing' }).waitFor();
  await page.getByRole('status', { name: 'Some connections need re-auth.' }).waitFor();
  // health per connector: the failing one shows next to the working one
  const health = page.getByRole('table', { name: 'Connection health' });
  await until('the health panel', async () => (await health.getByRole('row').count()) === 3);
  const cells = (hasText: string) => health.getByRole('row').filter({ hasText }).getByRole('cell').allTextContents();
  expect(await cells('oauth2')).toEqual([oauthConfig, 'oauth2', '7', '1', '0', '0']);
  // the API key's own job destroyed it (no revocation at the provider): revoked
  expect(await cells('openai')).toEqual([keyConfig, 'openai', '0', '0', '0', '1']);
  const accounts = page.getByRole('table', { name: 'Connected accounts' });
  await accounts.getByRole('cell', { name: 'ops@acme.test' }).waitFor();
  expect(await accounts.getByRole('row').count()).toBe(1 + 9);

  await page.getByLabel('Status', { exact: true }).selectOption('needs_reauth');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await until('the needs_reauth filter', async () => (await accounts.getByRole('row').count()) === 2);
  await accounts.getByRole('cell', { name: needsReauthId, exact: true }).waitFor();

  await page.getByLabel('Status', { exact: true }).selectOption('');
  await page.getByLabel('Toolkit', { exact: true }).fill('oauth2');
  await page.getByLabel('User id', { exact: true }).fill('user-01@acme.test');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await until('the toolkit + user filter', async () => (await accounts.getByRole('row').count()) === 2);

  await accounts.getByRole('button', { name: /^Revoke user-01@acme.test/ }).click();
  await page.getByRole('button', { name: 'Confirm revoking user-01@acme.test' }).click();
  await page.getByRole('status').filter({ hasText: 'user-01@acme.test: revoked' }).waitFor({ timeout: 60_000 });
  await accounts.getByText('revoked', { exact: true }).waitFor();
  const revoked = await stack.db.db.connectedAccount.findFirstOrThrow({ where: { userId: 'user-01@acme.test' } });
  expect(revoked.status).toBe('revoked');

  const apiJobs = page.getByRole('table', { name: 'Project revoke jobs' });
  await apiJobs.getByRole('cell', { name: 'auth config', exact: false }).first().waitFor();
  await page.getByLabel('Toolkit', { exact: true }).fill('');
  await page.getByLabel('User id', { exact: true }).fill('');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await until('the unfiltered list', async () => (await accounts.getByRole('row').count()) === 10);
  await screenshot(page, 'project');
  await expectNoSecretRendered();
});

test('webhook endpoints: create shows the secret once, rotate shows the new one, delete removes it', async () => {
  await page.goto(url(`#/projects/${billing.projectId}`));
  await page.getByRole('link', { name: 'Webhook endpoints and deliveries' }).click();
  await page.getByRole('heading', { level: 1, name: 'Webhook endpoints of Billing' }).waitFor();
  await page.getByText('No webhook endpoints yet.').waitFor();

  await page.getByLabel('URL', { exact: true }).fill(receiver.url);
  await page.getByLabel('Description (optional)').fill('billing hooks');
  expect(await page.getByRole('checkbox', { name: 'all events (*)' }).isChecked()).toBe(true);
  await page.getByRole('button', { name: 'Create endpoint' }).click();
  const shown = page.getByLabel('Signing secret (shown once)');
  await shown.waitFor();
  const secret = await shown.inputValue();
  expect(secret).toMatch(/^whsec_/);
  secrets.push(secret);
  receiver.secrets.push(secret);
  const table = page.getByRole('table', { name: 'Webhook endpoints' });
  await table.getByRole('cell', { name: 'billing hooks' }).waitFor();
  endpointId = (await stack.db.db.webhookEndpoint.findFirstOrThrow({ where: { projectId: billing.projectId, deletedAt: null } })).id;
  await page.getByRole('button', { name: 'I have stored it' }).click();
  await shown.waitFor({ state: 'detached' });
  // gone from the page, and apollo never answers it again
  await expectNoSecretRendered();
  await page.reload();
  await table.getByRole('cell', { name: 'billing hooks' }).waitFor();
  await expectNoSecretRendered();

  await page.getByRole('button', { name: `Rotate the secret of ${receiver.url}` }).click();
  await page.getByRole('button', { name: 'Confirm rotate' }).click();
  await shown.waitFor();
  const rotated = await shown.inputValue();
  expect(rotated).toMatch(/^whsec_/);
  expect(rotated).not.toBe(secret);
  secrets.push(rotated);
  receiver.secrets.push(rotated);
  await page.getByRole('button', { name: 'I have stored it' }).click();
  await table.getByText(/old secret signs until/).waitFor();

  // a second endpoint, deleted again
  await page.getByLabel('URL', { exact: true }).fill('http://127.0.0.1:9/unused');
  await page.getByRole('checkbox', { name: 'connected_account.revoked' }).check();
  expect(await page.getByRole('checkbox', { name: 'all events (*)' }).isChecked()).toBe(false);
  await page.getByRole('button', { name: 'Create endpoint' }).click();
  secrets.push(await shown.inputValue());
  await page.getByRole('button', { name: 'I have stored it' }).click();
  await until('two endpoints', async () => (await table.getByRole('row').count()) === 3);
  await page.getByRole('button', { name: 'Delete http://127.0.0.1:9/unused' }).click();
  await page.getByRole('button', { name: 'Confirm delete' }).click();
  await until('one endpoint again', async () => (await table.getByRole('row').count()) === 2);
  expect(await stack.db.db.webhookEndpoint.count({ where: { projectId: billing.projectId, deletedAt: null } })).toBe(1);
  await expectNoSecretRendered();
  // back where the next test starts
  await page.getByRole('link', { name: 'Back to the project' }).click();
  await page.getByRole('heading', { level: 1, name: 'Billing' }).waitFor();
});

test('a project revoke from the console: dry run first, the name typed to confirm, then the job to 100%', async () => {
  await page.getByRole('link', { name: 'Revoke every credential of this project…' }).click();
  await page.getByRole('heading', { name: 'Start a revoke' }).waitFor();
  await until('the project preselected', async () => (await page.getByLabel('Project', { exact: true }).inputValue()) === billing.projectId);
  await page.getByRole('button', { name: 'Preview (dry run)' }).click();
  // 9 seeded, one revoked above, the API key's destroyed by the project's own job: 7 live
  await page.getByRole('status').filter({ hasText: '7 live connections would be revoked at the provider.' }).waitFor();
  const byProvider = page.getByRole('table', { name: 'Connections by provider' });
  expect(await byProvider.getByRole('row').allTextContents()).toEqual(['ProviderConnections', 'oauth27']);

  const start = page.getByRole('button', { name: 'Revoke 7 connections' });
  expect(await start.isDisabled()).toBe(true);
  await page.getByLabel('Type “Billing” to confirm').fill('billing');
  expect(await start.isDisabled()).toBe(true);
  await page.getByLabel('Type “Billing” to confirm').fill('Billing');
  expect(await start.isDisabled()).toBe(false);
  await screenshot(page, 'new-revoke');
  await start.click();

  await page.getByRole('heading', { level: 1, name: /^Revoke job oj_/ }).waitFor();
  const jobId = await jobIdOfCurrentPage();
  await jobFinishes(jobId);
  const bar = page.getByRole('progressbar', { name: `Progress of ${jobId}` });
  const [value, max] = await bar.evaluate(barFigures);
  expect({ value, max }).toEqual({ value: 7, max: 7 });
  await page.getByText('7 / 7 (100%)').waitFor();
  const counts = page.getByRole('generic', { name: 'Counts by outcome' }).or(page.getByLabel('Counts by outcome'));
  expect(await counts.textContent()).toContain('revoked7');
  const results = page.getByRole('table', { name: 'Results' });
  await until('7 result rows', async () => (await results.getByRole('row').count()) === 8);
  await page.getByLabel('Outcome', { exact: true }).selectOption('failed');
  await page.getByText('No results with this outcome.').waitFor();
  await page.getByLabel('Outcome', { exact: true }).selectOption('revoked');
  await until('the outcome filter', async () => (await results.getByRole('row').count()) === 8);

  const link = page.getByRole('link', { name: 'Open the run in the Temporal Web UI' });
  const job = (await stack.request<{ workflow_id: string; run_id: string }>('GET', `/dashboard/v1/revoke_jobs/${jobId}`, { headers: { authorization: `Bearer ${org.token}` } })).body;
  expect(await link.getAttribute('href')).toBe(`http://127.0.0.1:8233/namespaces/default/workflows/${job.workflow_id}/${job.run_id}`);
  await screenshot(page, 'job');

  // the provider agrees: every token of the project is dead
  const tokens = await stack.db.db.connectedAccount.count({ where: { projectId: billing.projectId, status: { not: 'revoked' } } });
  expect(tokens).toBe(0);
});

test("the delivery log shows the revoke's webhooks, filters by status, and retries one", async () => {
  // the Billing revoke above revoked seven connections: an event each, delivered to the endpoint
  await until('seven deliveries accepted', async () => receiver.accepted.size >= 7 || undefined);
  await page.goto(url(`#/projects/${billing.projectId}/webhooks`));
  const deliveries = page.getByRole('table', { name: 'Deliveries' });
  await until('seven delivered rows', async () => {
    await page.getByRole('button', { name: 'Refresh' }).click();
    return (await deliveries.getByRole('row').filter({ hasText: 'delivered' }).count()) >= 7;
  });
  expect(await deliveries.getByRole('row').filter({ hasText: 'connected_account.revoked' }).count()).toBeGreaterThanOrEqual(7);
  await page.getByLabel('Status', { exact: true }).selectOption('failed');
  await page.getByText('No deliveries with status failed.').waitFor();
  await page.getByLabel('Status', { exact: true }).selectOption('delivered');
  await deliveries.waitFor();
  await screenshot(page, 'webhooks');

  const first = await stack.db.db.webhookDelivery.findFirstOrThrow({ where: { endpointId, status: 'delivered' }, orderBy: { id: 'asc' } });
  const before = receiver.requests.filter((r) => r.id === first.eventId).length;
  await page.getByRole('button', { name: `Retry delivery ${first.id}` }).click();
  await page.getByRole('status').filter({ hasText: `Delivery ${first.id} queued again.` }).waitFor();
  // sent once more, same webhook-id
  await until('the retried delivery at the receiver', async () => receiver.requests.filter((r) => r.id === first.eventId).length > before || undefined);
  await until('delivered again', async () => (await stack.db.db.webhookDelivery.findUniqueOrThrow({ where: { id: first.id } })).status === 'delivered' || undefined);
  await expectNoSecretRendered();
});

test('retry from the job page re-runs exactly the failed connections once the provider recovers', async () => {
  provider.setFaults({ invalidClient: true });
  await page.goto(url(`#/revoke?scope=project&id=${support.projectId}`));
  await page.getByRole('button', { name: 'Preview (dry run)' }).click();
  await page.getByLabel('Type “Support” to confirm').fill('Support');
  await page.getByRole('button', { name: 'Revoke 5 connections' }).click();
  await page.getByRole('heading', { level: 1, name: /^Revoke job oj_/ }).waitFor();
  const failedJob = await jobIdOfCurrentPage();
  await jobFinishes(failedJob);
  expect(await page.getByLabel('Counts by outcome').textContent()).toContain('failed5');
  await page.getByLabel('Outcome', { exact: true }).selectOption('failed');
  await page.getByRole('table', { name: 'Results' }).getByRole('cell', { name: 'invalid_client' }).first().waitFor();
  await screenshot(page, 'job-failed');

  provider.setFaults({});
  await page.getByRole('button', { name: 'Retry failed connections' }).click();
  await until('the retry job page', async () => (await jobIdOfCurrentPage()) !== failedJob && (await jobIdOfCurrentPage()).startsWith('oj_'));
  await page.getByRole('link', { name: failedJob }).waitFor();
  await jobFinishes(await jobIdOfCurrentPage());
  expect(await page.getByLabel('Counts by outcome').textContent()).toContain('revoked5');
  expect(await page.getByLabel('Counts by outcome').textContent()).toContain('failed0');
});

test('the jobs page lists every org job with its progress bar and counts by outcome', async () => {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Revoke jobs' }).click();
  await page.getByRole('heading', { level: 1, name: 'Revoke jobs' }).waitFor();
  const table = page.getByRole('table', { name: 'Revoke jobs' });
  // revoke-one, the Billing project, the failed Support run and its retry
  await until('four jobs', async () => (await table.getByRole('row').count()) === 5);
  await until('every bar drawn', async () => (await table.getByRole('progressbar').count()) === 4);
  for (const bar of await table.getByRole('progressbar').all()) {
    const [value, max] = await bar.evaluate(barFigures);
    expect(value).toBe(max);
  }
  await table.getByText('7 / 7 (100%)').waitFor();
  await screenshot(page, 'jobs');
  await expectNoSecretRendered();
});

const adminHeaders = () => ({ authorization: `Bearer ${stack.env['ADMIN_TOKEN']}` });

test('pause: the project switch, the red banner with who and why, the operator winning, resume only for the project pause', async () => {
  await page.goto(url(`#/projects/${ops.projectId}`));
  await page.getByRole('heading', { level: 1, name: 'Ops' }).waitFor();
  await page.getByLabel('Reason (kept in the audit log)').fill('incident 7: rotating the client');
  await page.getByRole('button', { name: 'Pause this project' }).click();
  const projectBanner = page.getByRole('alert', { name: 'This project is paused.' });
  await projectBanner.waitFor();
  expect(await projectBanner.textContent()).toMatch(/incident 7: rotating the client \(by org admin token oat_[0-9A-Z]{26} since /);
  expect(await stack.db.db.providerPause.count({ where: { projectId: ops.projectId } })).toBe(1);
  // the projects list says which projects are held
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Projects' }).click();
  const projects = page.getByRole('table', { name: 'Projects' });
  await projects.getByRole('row').filter({ hasText: 'Ops' }).getByText('Paused', { exact: true }).waitFor();
  expect(await projects.getByRole('row').filter({ hasText: 'Billing' }).getByRole('cell', { name: 'running', exact: true }).count()).toBe(1);
  await projects.getByRole('link', { name: 'Ops', exact: true }).click();
  await projectBanner.waitFor();

  // the operator's pause and reason win over the project's
  expect((await stack.request('POST', '/admin/v1/pause', { headers: adminHeaders(), body: { reason: 'provider outage' } })).status).toBe(200);
  await page.reload();
  const operatorBanner = page.getByRole('alert', { name: 'Provider calls are paused by the operator.' });
  await operatorBanner.waitFor();
  expect(await operatorBanner.textContent()).toContain('provider outage');
  expect(await operatorBanner.textContent()).toContain('This project is paused too.');
  expect(await projectBanner.count()).toBe(0);
  await page.getByText("The operator's pause still holds every call until the operator lifts it.").waitFor();
  await screenshot(page, 'project-paused');

  // resume lifts the project's pause only: the operator's banner stays, and no resume for it
  await page.getByRole('button', { name: 'Resume this project' }).click();
  await page.getByRole('button', { name: 'Pause this project' }).waitFor();
  await operatorBanner.waitFor();
  expect(await operatorBanner.textContent()).not.toContain('This project is paused too.');
  expect(await page.getByRole('button', { name: /^Resume/ }).count()).toBe(0);
  expect(await stack.db.db.providerPause.count({ where: { projectId: ops.projectId } })).toBe(0);
});

test('cancel from the job page: a held job is cancelled after confirmation, and retry takes its cancelled connections', async () => {
  // the operator pause above still holds: the job waits where it is
  try {
    await page.goto(url(`#/revoke?scope=project&id=${ops.projectId}`));
    await page.getByRole('button', { name: 'Preview (dry run)' }).click();
    await page.getByLabel('Type “Ops” to confirm').fill('Ops');
    await page.getByRole('button', { name: 'Revoke 3 connections' }).click();
    await page.getByRole('heading', { level: 1, name: /^Revoke job oj_/ }).waitFor();
    const jobId = await jobIdOfCurrentPage();
    await page.getByRole('alert', { name: 'Paused by the operator.' }).waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Cancel job' }).click();
    // a second, explicit step; backing out keeps it running
    await page.getByRole('button', { name: 'Keep running' }).click();
    expect((await stack.request<{ status: string }>('GET', `/dashboard/v1/revoke_jobs/${jobId}`, { headers: { authorization: `Bearer ${org.token}` } })).body.status).toBe('running');
    await page.getByRole('button', { name: 'Cancel job' }).click();
    await page.getByRole('button', { name: 'Confirm cancel' }).click();
    await jobFinishes(jobId, 'cancelled');
    expect(await page.getByLabel('Counts by outcome').textContent()).toContain('cancelled3');
    expect(await page.getByRole('button', { name: 'Cancel job' }).count()).toBe(0);
    await screenshot(page, 'job-cancelled');
    // nothing was sent: the connections are still live
    expect(await stack.db.db.connectedAccount.count({ where: { projectId: ops.projectId, status: 'active' } })).toBe(3);
  } finally {
    await stack.request('POST', '/admin/v1/resume', { headers: adminHeaders() });
  }
  await page.getByRole('button', { name: 'Retry failed connections' }).click();
  await until('the retry job page', async () => (await page.getByRole('link', { name: /^oj_/ }).count()) > 0 || undefined);
  await jobFinishes(await jobIdOfCurrentPage());
  expect(await page.getByLabel('Counts by outcome').textContent()).toContain('revoked3');
  expect(await stack.db.db.connectedAccount.count({ where: { projectId: ops.projectId, status: 'revoked' } })).toBe(3);
});

test('the audit log lists the console\'s actions, filtered by action, target and time', async () => {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' }).click();
  await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
  const table = page.getByRole('table', { name: 'Audit events' });
  await table.getByRole('cell', { name: 'dashboardCreateWebhookEndpoint', exact: true }).first().waitFor();
  await table.getByRole('cell', { name: 'pauseProject', exact: true }).first().waitFor();
  await screenshot(page, 'audit');

  await page.getByLabel('Action', { exact: true }).fill('pauseProject');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await until('only pauseProject', async () => {
    const actions = await table.getByRole('row').locator('td:nth-child(2)').allTextContents();
    return actions.length > 0 && actions.every((a) => a === 'pauseProject');
  });
  expect(await table.getByRole('row').filter({ hasText: ops.projectId }).count()).toBe(1);
  expect(await table.getByRole('row').filter({ hasText: 'console' }).count()).toBe(1);

  await page.getByLabel('Action', { exact: true }).fill('');
  await page.getByLabel('Target id').fill(endpointId);
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await until('the endpoint\'s events', async () => {
    const actions = (await table.getByRole('row').locator('td:nth-child(2)').allTextContents()).sort();
    return JSON.stringify(actions) === JSON.stringify(['dashboardCreateWebhookEndpoint', 'dashboardRetryWebhookDelivery', 'dashboardRotateWebhookEndpointSecret']);
  });

  await page.getByLabel('From').fill('2099-01-01T00:00:00');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await page.getByText('No audit events match.').waitFor();
  await expectNoSecretRendered();
});

test('a state change without the CSRF token is refused, even from the signed-in page', async () => {
  const status = await page.evaluate(async () => {
    const res = await fetch('/dashboard/v1/projects', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'forged' }) });
    return { status: res.status, code: ((await res.json()) as { error: { code: string } }).error.code };
  });
  expect(status).toEqual({ status: 403, code: 'csrf_token_invalid' });
  expect(await stack.db.db.project.count({ where: { name: 'forged' } })).toBe(0);

  // every state change the new pages make: pause, resume, webhook endpoints, deliveries, cancel
  const delivery = await stack.db.db.webhookDelivery.findFirstOrThrow({ where: { endpointId } });
  const job = await stack.db.db.job.findFirstOrThrow({ where: { orgId: org.id, projectId: null } });
  const forged = [
    { method: 'POST', path: `/dashboard/v1/projects/${ops.projectId}/pause`, body: { reason: 'forged' } },
    { method: 'POST', path: `/dashboard/v1/projects/${ops.projectId}/resume`, body: {} },
    { method: 'POST', path: `/dashboard/v1/projects/${billing.projectId}/webhook_endpoints`, body: { url: 'http://127.0.0.1:9/forged', events: ['*'] } },
    { method: 'POST', path: `/dashboard/v1/projects/${billing.projectId}/webhook_endpoints/${endpointId}/rotate_secret` },
    { method: 'DELETE', path: `/dashboard/v1/projects/${billing.projectId}/webhook_endpoints/${endpointId}` },
    { method: 'POST', path: `/dashboard/v1/projects/${billing.projectId}/webhook_endpoints/${endpointId}/deliveries/${delivery.id}/retry` },
    { method: 'POST', path: `/dashboard/v1/revoke_jobs/${job.id}/cancel` },
  ];
  const answers = await page.evaluate(async (calls) => {
    const out = [];
    for (const call of calls) {
      const res = await fetch(call.path, { method: call.method, headers: { 'content-type': 'application/json' }, ...(call.body ? { body: JSON.stringify(call.body) } : {}) });
      out.push({ path: call.path, status: res.status, code: ((await res.json()) as { error?: { code: string } }).error?.code });
    }
    return out;
  }, forged);
  expect(answers).toEqual(forged.map((call) => ({ path: call.path, status: 403, code: 'csrf_token_invalid' })));
  expect(await stack.db.db.providerPause.count()).toBe(0);
  expect(await stack.db.db.webhookEndpoint.count({ where: { projectId: billing.projectId, deletedAt: null } })).toBe(1);
  expect((await stack.db.db.webhookDelivery.findUniqueOrThrow({ where: { id: delivery.id } })).status).toBe(delivery.status);
});

test('an expired session sends the page back to sign-in', async () => {
  await stack.db.db.consoleSession.updateMany({ where: { orgId: org.id, revokedAt: null }, data: { expiresAt: new Date(Date.now() - 1000) } });
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Projects' }).click();
  await page.getByRole('heading', { name: 'Sign in to the Apollo console' }).waitFor();
  await page.getByRole('status').filter({ hasText: 'Your session has ended. Sign in again.' }).waitFor();
  await screenshot(page, 'session-ended');
});

test('a wrong session cookie is sent back to sign-in', async () => {
  await browser.context.clearCookies();
  await browser.context.addCookies([{ name: 'at_console_session', value: `acs_${'A'.repeat(43)}`, url: stack.apollo.url, httpOnly: true, sameSite: 'Strict' }]);
  await page.goto(url('#/jobs'));
  await page.getByRole('heading', { name: 'Sign in to the Apollo console' }).waitFor();
});

test('sign out ends the session server-side: the old cookie no longer works', async () => {
  await browser.context.clearCookies();
  await page.goto(url());
  await signInWithKeyboard(org.token);
  const [cookie] = await browser.context.cookies(stack.apollo.url);
  expect(cookie).toMatchObject({ name: 'at_console_session', httpOnly: true, sameSite: 'Strict' });
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in to the Apollo console' }).waitFor();
  const replay = await fetch(`${stack.apollo.url}/dashboard/v1/projects`, { headers: { cookie: `at_console_session=${cookie?.value ?? ''}` } });
  expect(replay.status).toBe(401);
});

test('readable on a narrow window: nothing but tables scrolls sideways', async () => {
  await signInWithKeyboard(org.token);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(url(`#/projects/${billing.projectId}`));
  await page.getByRole('heading', { level: 1, name: 'Billing' }).waitFor();
  await page.getByRole('table', { name: 'Connected accounts' }).waitFor();
  const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
  expect(overflow).toBeLessThanOrEqual(0);
  await screenshot(page, 'project-narrow');
  for (const [route, heading, table] of [
    [`#/projects/${billing.projectId}/webhooks`, 'Webhook endpoints of Billing', 'Deliveries'],
    ['#/audit', 'Audit log', 'Audit events'],
  ] as const) {
    await page.goto(url(route));
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
    await page.getByRole('table', { name: table }).waitFor();
    const wider = (await page.evaluate('document.documentElement.scrollWidth - window.innerWidth')) as number;
    expect({ route, wider: wider > 0 }).toEqual({ route, wider: false });
  }
  await screenshot(page, 'audit-narrow');
  await page.setViewportSize({ width: 1280, height: 800 });
});

test('the browser saw no script error and no CSP violation on any page', () => {
  expect(pageErrors).toEqual([]);
});

test('no user id was mistaken for a secret: the seeded users were shown', () => {
  expect(userIds.length).toBe(8);
});
