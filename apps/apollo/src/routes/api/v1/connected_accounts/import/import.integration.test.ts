import { apiKeyHeader, bearer, expectAuthRequired, expectError, expectFieldError, expectNoSecrets, expectNoServerErrors, testSecret, type Json } from '@at/testkit';
import { startTestApollo, type SeededProject, type TestApollo } from '../../../../../../test/test-apollo';

let t: TestApollo;
let project: SeededProject;
let other: SeededProject; // another org
let oauthConfig: Json;
let apiKeyConfig: Json;
let foreignConfig: Json;
const secrets: string[] = [];

const PATH = '/api/v1/connected_accounts/import';

beforeAll(async () => {
  // a small body limit, so 413 is cheap to reach; a small import rate, so 429 is
  t = await startTestApollo({ env: { IMPORT_BODY_LIMIT: '2mb', IMPORT_RATE_LIMIT_PER_MINUTE: '600' } });
  const org = await t.seed.org('acme');
  const otherOrg = await t.seed.org('globex');
  project = await t.seed.project(org.adminToken);
  other = await t.seed.project(otherOrg.adminToken);
  oauthConfig = await t.seed.authConfig(project.apiKey, { toolkit: 'github', auth_scheme: 'oauth2' });
  apiKeyConfig = await t.seed.authConfig(project.apiKey, { toolkit: 'openai', auth_scheme: 'api_key', client_id: undefined, client_secret: undefined });
  foreignConfig = await t.seed.authConfig(other.apiKey, { toolkit: 'github', auth_scheme: 'oauth2' });
  secrets.push(oauthConfig.client_secret_sent);
});
afterAll(async () => t?.stop());

const secret = (label: string) => {
  const value = testSecret(label);
  secrets.push(value);
  return value;
};
const oauthItem = (user: string, authConfigId: string = oauthConfig.id) => ({ auth_config_id: authConfigId, user_id: user, credentials: { access_token: secret('access'), refresh_token: secret('refresh') } });
const importJson = (items: unknown, headers: Record<string, string> = {}, p: SeededProject = project) =>
  t.request('POST', PATH, { headers: { ...apiKeyHeader(p.apiKey), 'content-type': 'application/json', ...headers }, rawBody: JSON.stringify(items) });
const importNdjson = (text: string, headers: Record<string, string> = {}) =>
  t.request('POST', PATH, { headers: { ...apiKeyHeader(project.apiKey), 'content-type': 'application/x-ndjson', ...headers }, rawBody: text });

async function accountsOf(userPrefix: string) {
  return t.db.connectedAccount.findMany({ where: { projectId: project.id, userId: { startsWith: userPrefix } }, include: { credential: true }, orderBy: { userId: 'asc' } });
}

it('rejects a missing or wrong API key with 401', async () => {
  await expectAuthRequired(t, [{ method: 'POST', path: PATH, body: [oauthItem('auth-u')] }], [apiKeyHeader('atk_wrong'), bearer(project.apiKey)]);
  expect(await accountsOf('auth-u')).toEqual([]);
});

describe('POST /api/v1/connected_accounts/import', () => {
  it('creates the valid items, sealed to each account, with their created events in order, and answers each failed item with its own errors', async () => {
    const apiKey = secret('api-key');
    const items = [
      oauthItem('mixed-0'),
      { auth_config_id: apiKeyConfig.id, user_id: 'mixed-1', credentials: { api_key: apiKey } },
      { auth_config_id: oauthConfig.id, user_id: 'mixed-2', credentials: { access_token: secret('access'), extra: 'x' } },
      { auth_config_id: apiKeyConfig.id, user_id: 'mixed-3', credentials: { access_token: secret('access') } },
      oauthItem('mixed-4', foreignConfig.id),
      { user_id: 'mixed-5', credentials: { access_token: secret('access') } },
      'not an object',
      { ...oauthItem('mixed-7'), credentials: { access_token: secret('access'), refresh_token: secret('refresh'), expires_at: '2031-05-06T07:08:09.123Z' } },
    ];
    const res = await importJson(items);
    expect(res.status).toBe(200);
    expect(res.body.created).toBe(3);
    expect(res.body.failed).toBe(5);
    expect(res.body.results.map((r: Json) => [r.index, r.status])).toEqual([
      [0, 'created'],
      [1, 'created'],
      [2, 'failed'],
      [3, 'failed'],
      [4, 'failed'],
      [5, 'failed'],
      [6, 'failed'],
      [7, 'created'],
    ]);
    const [, , unknownField, wrongKind, foreign, missing, notObject] = res.body.results;
    expect(unknownField.error).toEqual({ code: 'invalid_request', message: 'invalid item', fields: [{ path: 'item.credentials.extra', message: 'unknown field' }] });
    expect(wrongKind.error.fields).toEqual([expect.objectContaining({ path: 'item.credentials' })]);
    expect(foreign.error).toEqual(expect.objectContaining({ code: 'not_found' }));
    expect(missing.error.fields).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'item.auth_config_id' })]));
    expect(notObject.error.code).toBe('invalid_request');
    expect(res.body.results[0].connected_account).toEqual(
      expect.objectContaining({ id: expect.stringMatching(/^ca_/), auth_config_id: oauthConfig.id, user_id: 'mixed-0', toolkit: 'github', auth_scheme: 'oauth2', status: 'active' }),
    );

    const stored = await accountsOf('mixed-');
    expect(stored.map((a) => a.userId)).toEqual(['mixed-0', 'mixed-1', 'mixed-7']);
    const byUser = new Map(stored.map((a) => [a.userId, a]));
    expect(t.apollo.context.vault.openJson(byUser.get('mixed-1')?.credential?.sealed, byUser.get('mixed-1')?.id ?? '')).toEqual({ type: 'api_key', api_key: apiKey });
    const first = byUser.get('mixed-0');
    expect(t.apollo.context.vault.openJson(first?.credential?.sealed, first?.id ?? '')).toEqual({ type: 'oauth2', access_token: items[0] && (items[0] as Json).credentials.access_token, refresh_token: (items[0] as Json).credentials.refresh_token });
    // the expiry as each item gave it (refreshable: a refresh token and an expiry)
    expect(stored.map((a) => [a.credential?.expiresAt?.toISOString() ?? null, a.credential?.refreshable])).toEqual([
      [null, false],
      [null, false],
      ['2031-05-06T07:08:09.123Z', true],
    ]);
    // sealed to its own id: another account's id does not open it
    expect(() => t.apollo.context.vault.openJson(first?.credential?.sealed, byUser.get('mixed-7')?.id ?? '')).toThrow();
    // what GET answers is what the import answered
    const got = await t.request('GET', `/api/v1/connected_accounts/${res.body.results[0].connected_account.id}`, { headers: apiKeyHeader(project.apiKey) });
    expect(got.body).toEqual(res.body.results[0].connected_account);

    const events = await t.db.event.findMany({ where: { connectedAccountId: { in: stored.map((a) => a.id) } }, orderBy: { sequence: 'asc' } });
    expect(events.map((e) => [e.type, e.connectedAccountId])).toEqual([
      ['connected_account.created', byUser.get('mixed-0')?.id],
      ['connected_account.created', byUser.get('mixed-1')?.id],
      ['connected_account.created', byUser.get('mixed-7')?.id],
    ]);
    expect(events[0]?.data).toEqual({ connected_account_id: first?.id, project_id: project.id, auth_config_id: oauthConfig.id, user_id: 'mixed-0', toolkit: 'github' });
    expectNoSecrets([res.text, JSON.stringify(events.map((e) => e.data))], secrets);

    const audit = await t.db.auditEvent.findMany({ where: { projectId: project.id, action: 'importConnectedAccounts' } });
    expect(audit.length).toBeGreaterThanOrEqual(1);
  });

  it('reads NDJSON line by line: a malformed line, a line with a key twice, or a bad item is that item\'s error; blank lines are skipped', async () => {
    const leaked = secret('in-a-broken-line');
    const lines = [
      JSON.stringify(oauthItem('nd-0')),
      '',
      `{"auth_config_id": "${oauthConfig.id}", "user_id": "nd-1", "credentials": {"access_token": "${leaked}"`,
      `{"auth_config_id": "${oauthConfig.id}", "user_id": "nd-2", "user_id": "nd-2b", "credentials": {"access_token": "${secret('access')}"}}`,
      JSON.stringify({ ...oauthItem('nd-3'), user_id: '' }),
      '   ',
      JSON.stringify(oauthItem('nd-4')),
      // a secret in a value that does not validate is named by its field, never quoted
      JSON.stringify({ auth_config_id: oauthConfig.id, user_id: 'nd-6', credentials: { access_token: `${secret('bad-chars')}\u0001`, expires_at: secret('not-a-date') } }),
      JSON.stringify({ auth_config_id: oauthConfig.id, user_id: 'nd-7', credentials: secret('not-an-object') }),
    ];
    const res = await importNdjson(`${lines.join('\n')}\n`);
    expect(res.status).toBe(200);
    expect(res.body.results.map((r: Json) => [r.index, r.status])).toEqual([
      [0, 'created'],
      [1, 'failed'],
      [2, 'failed'],
      [3, 'failed'],
      [4, 'created'],
      [5, 'failed'],
      [6, 'failed'],
    ]);
    expect(res.body.results[5].error.fields).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: 'item.credentials.access_token' }), expect.objectContaining({ path: 'item.credentials.expires_at' })]),
    );
    expect(res.body.results[1].error.fields).toEqual([{ path: 'item', message: 'line is not valid JSON' }]);
    expect(res.body.results[2].error.fields).toEqual([{ path: 'item.user_id', message: 'given more than once' }]);
    expect(res.body.results[3].error.fields).toEqual([expect.objectContaining({ path: 'item.user_id' })]);
    expect((await accountsOf('nd-')).map((a) => a.userId)).toEqual(['nd-0', 'nd-4']);
    expectNoSecrets([res.text, ...t.logs], secrets);
  });

  it('reads its own body whichever way Express routes the path to it (trailing slash, upper case)', async () => {
    for (const [i, path] of [`${PATH}/`, PATH.toUpperCase()].entries()) {
      const res = await t.request('POST', path, { headers: { ...apiKeyHeader(project.apiKey), 'content-type': 'application/json' }, rawBody: JSON.stringify([oauthItem(`path-${i}`)]) });
      expect({ path, status: res.status, created: res.body.created }).toEqual({ path, status: 200, created: 1 });
    }
  });

  it('in a JSON array, a key given twice inside an item is that item\'s error', async () => {
    const raw = `[${JSON.stringify(oauthItem('dup-0'))}, {"auth_config_id": "${oauthConfig.id}", "user_id": "dup-1", "credentials": {"access_token": "${secret('a')}", "access_token": "${secret('b')}"}}]`;
    const res = await t.request('POST', PATH, { headers: { ...apiKeyHeader(project.apiKey), 'content-type': 'application/json' }, rawBody: raw });
    expect(res.status).toBe(200);
    expect(res.body.results[1]).toEqual({ index: 1, status: 'failed', error: { code: 'invalid_request', message: 'item could not be read', fields: [{ path: 'item.credentials.access_token', message: 'given more than once' }] } });
    expect((await accountsOf('dup-')).map((a) => a.userId)).toEqual(['dup-0']);
  });

  it('with an Idempotency-Key, a retry gets the same answer and creates nothing; the key with another body is a 422; another project has its own keys', async () => {
    const items = [oauthItem('idem-0'), oauthItem('idem-1')];
    const key = `import-${Date.now()}`;
    const first = await importJson(items, { 'idempotency-key': key });
    expect(first.status).toBe(200);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const again = await importJson(items, { 'idempotency-key': key });
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await accountsOf('idem-')).toHaveLength(2);
    // concurrent retries: one answer, still two accounts
    const racing = await Promise.all([1, 2, 3].map(async () => importJson(items, { 'idempotency-key': `${key}-race` })));
    expect(racing.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(racing.map((r) => JSON.stringify(r.body))).toEqual(racing.map(() => JSON.stringify(racing[0]?.body)));
    expect(await accountsOf('idem-')).toHaveLength(4);

    expectError(await importJson([oauthItem('idem-2')], { 'idempotency-key': key }), 422, 'idempotency_key_reused');
    expect(await accountsOf('idem-2')).toEqual([]);
    const elsewhere = await importJson([oauthItem('idem-x', foreignConfig.id)], { 'idempotency-key': key }, other);
    expect(elsewhere.status).toBe(200);
    expect(elsewhere.body.created).toBe(1);
    // the retry is not a second change in the audit log
    const audits = await t.db.auditEvent.findMany({ where: { projectId: project.id, action: 'importConnectedAccounts', requestId: { in: [first, again].map((r) => r.headers.get('x-request-id') ?? '') } } });
    expect(audits).toHaveLength(1);
  });

  it('an expired key is taken over by a new request', async () => {
    const key = `expired-${Date.now()}`;
    expect((await importJson([oauthItem('exp-0')], { 'idempotency-key': key })).status).toBe(200);
    await t.db.$executeRaw`UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE key = ${key}`;
    const res = await importJson([oauthItem('exp-1')], { 'idempotency-key': key });
    expect(res.status).toBe(200);
    expect(res.headers.get('idempotent-replayed')).toBeNull();
    expect((await accountsOf('exp-')).map((a) => a.userId)).toEqual(['exp-0', 'exp-1']);
  });

  it('refuses more than 1,000 items (JSON or NDJSON) with 400, a body over the limit with 413, and creates nothing', async () => {
    const many = Array.from({ length: 1001 }, (_, i) => ({ auth_config_id: oauthConfig.id, user_id: `many-${i}`, credentials: { access_token: 'tok-abcdefgh' } }));
    expectFieldError(await importJson(many), 'body');
    expectFieldError(await importNdjson(many.map((item) => JSON.stringify(item)).join('\n')), 'body');
    const big = [{ auth_config_id: oauthConfig.id, user_id: 'big-0', credentials: { access_token: 'x'.repeat(8000) } }];
    const huge = Array.from({ length: 300 }, () => big[0]);
    expectError(await importJson(huge), 413, 'payload_too_large');
    // streamed without a content-length: refused once the limit is passed
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 300; i += 1) controller.enqueue(new TextEncoder().encode(`${JSON.stringify(big[0])}\n`));
        controller.close();
      },
    });
    const res = await fetch(`${t.apollo.url}${PATH}`, { method: 'POST', headers: { ...apiKeyHeader(project.apiKey), 'content-type': 'application/x-ndjson' }, body: stream, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(413);
    expect(((await res.json()) as Json).error.code).toBe('payload_too_large');
    expect(await accountsOf('many-')).toEqual([]);
    expect(await accountsOf('big-')).toEqual([]);
  });

  it('answers a body that is not a JSON array, an empty one, another media type, or a bad Idempotency-Key with the error shape', async () => {
    expectFieldError(await importJson({ accounts: [] }), 'body');
    expectFieldError(await importJson([]), 'body');
    expectFieldError(await importNdjson('\n\n'), 'body');
    expectError(await t.request('POST', PATH, { headers: { ...apiKeyHeader(project.apiKey), 'content-type': 'application/json' }, rawBody: '[{"a": ' }), 400, 'invalid_request');
    expectError(await t.request('POST', PATH, { headers: { ...apiKeyHeader(project.apiKey), 'content-type': 'text/plain' }, rawBody: '[]' }), 415, 'unsupported_media_type');
    expectError(await t.request('POST', PATH, { headers: { ...apiKeyHeader(project.apiKey), 'content-type': 'application/json; charset=latin1' }, rawBody: '[]' }), 415, 'unsupported_media_type');
    expectFieldError(await importJson([oauthItem('badkey-0')], { 'idempotency-key': 'has spaces' }), 'header.idempotency-key');
    expectFieldError(await importJson([oauthItem('badkey-0')], { 'idempotency-key': 'k'.repeat(256) }), 'header.idempotency-key');
    expect(await accountsOf('badkey-')).toEqual([]);
  });

  it('counts imports against their own rate limit, per API key', async () => {
    // 6 a minute: a burst of one, then one every 10 s
    const limited = await startTestApollo({ env: { IMPORT_RATE_LIMIT_PER_MINUTE: '6' } });
    try {
      const org = await limited.seed.org('rate');
      const [a, b] = [await limited.seed.project(org.adminToken), await limited.seed.project(org.adminToken)];
      const send = (p: SeededProject) => limited.request('POST', PATH, { headers: { ...apiKeyHeader(p.apiKey), 'content-type': 'application/json' }, rawBody: '[]' });
      expect((await send(a)).status).toBe(400);
      const refused = await send(a);
      expectError(refused, 429, 'rate_limited');
      expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
      // the key's other endpoints have their own budget, and another key its own
      expect((await limited.request('GET', '/api/v1/connected_accounts', { headers: apiKeyHeader(a.apiKey) })).status).toBe(200);
      expect((await send(b)).status).toBe(400);
    } finally {
      await limited.stop();
    }
  });
});

afterAll(() => {
  if (t) {
    expectNoSecrets([...t.exchanges.map((e) => e.text), ...t.logs], secrets);
    expectNoServerErrors(t);
  }
});
