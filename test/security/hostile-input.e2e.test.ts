/**
 * Hand-written hostile requests the generators would hit only by luck: malformed and oversized
 * bodies, wrong media types, control characters, injection metacharacters in ids and queries,
 * forged and borrowed cursors, duplicate parameters, very long URLs, unknown methods.
 * Each is answered in the documented error shape with the right status, never a 5xx, and the
 * rejected requests change nothing in the database.
 */
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { changedTables, databaseState, type DatabaseState } from '../support/database-state';
import { startStack, type Stack } from '../support/stack';
import { seedSecurityFixture, type SecurityFixture } from './support/fixture';
import { waitForQuiet } from './support/quiet';
import { closeRawAgent, errorShapeProblems, rawRequest, rawSocket, type RawRequest, type RawResponse } from './support/raw-http';

let stack: Stack;
let f: SecurityFixture;
let before: DatabaseState;
const exchanges: Array<{ request: string; status: number }> = [];

beforeAll(async () => {
  stack = await startStack({ thermosEnv: { PROVIDER_RATE_LIMITS: JSON.stringify({ oauth2: 0 }) } });
  f = await seedSecurityFixture(stack);
  await waitForQuiet(stack.db.db);
  before = await databaseState(stack.db.db);
}, 180_000);

afterAll(async () => {
  closeRawAgent();
  await f?.provider.close();
  await stack?.stop();
});

const key = () => ({ 'x-api-key': f.a.apiKey });
const org = () => ({ authorization: `Bearer ${f.a.orgToken}` });
const admin = () => ({ authorization: `Bearer ${stack.env['ADMIN_TOKEN'] as string}` });
const json = { 'content-type': 'application/json' };

async function send(request: RawRequest, base: 'apollo' | 'thermos' = 'apollo'): Promise<RawResponse> {
  const res = await rawRequest(base === 'apollo' ? stack.apollo.url : (stack.thermos.url ?? ''), request);
  exchanges.push({ request: `${request.method} ${request.path.slice(0, 120)}`, status: res.status });
  return res;
}

/** The request is rejected with `status` (and `code`), in the documented error shape. */
async function rejected(request: RawRequest, status: number | number[], code?: string, base: 'apollo' | 'thermos' = 'apollo'): Promise<RawResponse> {
  const res = await send(request, base);
  const statuses = Array.isArray(status) ? status : [status];
  const error = (res.json as { error?: { code?: string } } | undefined)?.error;
  expect({ request: `${request.method} ${request.path.slice(0, 200)}`, status: res.status, code: error?.code, problems: errorShapeProblems(res) }).toEqual({
    request: `${request.method} ${request.path.slice(0, 200)}`,
    status: statuses.includes(res.status) ? res.status : statuses[0],
    code: code ?? error?.code,
    problems: [],
  });
  return res;
}

const fieldPaths = (res: RawResponse) => ((res.json as { error: { fields?: Array<{ path: string }> } }).error.fields ?? []).map((x) => x.path);

describe('bodies', () => {
  test.each([
    ['truncated object', '{"name": "x"'],
    ['trailing comma', '{"name": "x",}'],
    ['single quotes', "{'name': 'x'}"],
    ['bare word', 'name'],
    ['NaN literal', '{"name": NaN}'],
    ['comment', '{"name": "x" /* hi */}'],
    ['NUL byte', '\u0000'],
    ['lone surrogate escape in a key', '{"\\ud800": 1'],
    ['JSON scalar (strict parser)', '"just a string"'],
    ['empty JSON body with content-length', ' '],
  ])('malformed JSON (%s) is a 400 invalid_json', async (_name, body) => {
    await rejected({ method: 'POST', path: '/dashboard/v1/projects', headers: { ...org(), ...json }, body }, 400, 'invalid_json');
  });

  test('deeply nested JSON is a 400, not a stack overflow', async () => {
    const depth = 20_000;
    await rejected({ method: 'POST', path: '/api/v1/revoke_jobs', headers: { ...key(), ...json }, body: `${'['.repeat(depth)}${']'.repeat(depth)}` }, 400);
    await rejected({ method: 'POST', path: '/api/v1/revoke_jobs', headers: { ...key(), ...json }, body: `${'{"a":'.repeat(depth / 2)}1${'}'.repeat(depth / 2)}` }, 400);
  });

  test('a body over BODY_LIMIT is a 413 before authentication, with or without content-length', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(70 * 1024) });
    await rejected({ method: 'POST', path: '/dashboard/v1/projects', headers: { ...org(), ...json }, body: big }, 413, 'payload_too_large');
    await rejected({ method: 'POST', path: '/dashboard/v1/projects', headers: json, body: big }, 413, 'payload_too_large');
    await rejected({ method: 'POST', path: '/api/v1/connected_accounts', headers: { ...key(), ...json, 'transfer-encoding': 'chunked' }, body: big }, 413, 'payload_too_large');
    // a small gzip body that inflates past the limit
    await rejected(
      { method: 'POST', path: '/api/v1/connected_accounts', headers: { ...key(), ...json, 'content-encoding': 'gzip' }, body: gzipSync(Buffer.from(JSON.stringify({ user_id: 'z'.repeat(1_000_000) }))) },
      413,
      'payload_too_large',
    );
  });

  test("thermos's run API has its own, smaller limit", async () => {
    const res = await send({ method: 'GET', path: `/v1/workflows/revoke-x-${'0'.repeat(32)}/runs/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}`, headers: { authorization: `Bearer ${stack.env['THERMOS_SERVICE_TOKEN'] as string}`, ...json }, body: JSON.stringify({ a: 'x'.repeat(20_000) }) }, 'thermos');
    expect(res.status).toBe(413);
    expect(errorShapeProblems(res)).toEqual([]);
  });

  test.each([
    ['text/plain', '{"name":"x"}'],
    ['application/x-www-form-urlencoded', 'name=x'],
    ['multipart/form-data; boundary=zz', '--zz\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n--zz--'],
    ['application/xml', '<name>x</name>'],
    ['', '{"name":"x"}'],
  ])('a body of content type %j is a 415', async (type, body) => {
    await rejected({ method: 'POST', path: '/dashboard/v1/projects', headers: { ...org(), ...(type ? { 'content-type': type } : {}) }, body }, 415, 'unsupported_media_type');
  });

  test('an unsupported charset or content encoding is a 415', async () => {
    await rejected({ method: 'POST', path: '/dashboard/v1/projects', headers: { ...org(), 'content-type': 'application/json; charset=iso-8859-1' }, body: '{"name":"x"}' }, 415, 'unsupported_media_type');
    // utf-* charsets the platform cannot decode, so nobody could check their text (RFC 8259 wants UTF-8)
    await rejected({ method: 'POST', path: '/dashboard/v1/projects', headers: { ...org(), 'content-type': 'application/json; charset=utf-7' }, body: '{"name":"x"}' }, 415, 'unsupported_media_type');
    await rejected({ method: 'POST', path: '/dashboard/v1/projects', headers: { ...org(), 'content-type': 'application/json; charset=utf-32' }, body: '{"name":"x"}' }, 415, 'unsupported_media_type');
    // UTF-16 is decoded and checked like UTF-8: the duplicate is found in its text
    const utf16 = await rejected(
      { method: 'POST', path: '/dashboard/v1/projects', headers: { ...org(), 'content-type': 'application/json; charset=utf-16le' }, body: Buffer.from('{"name":"a","name":"b"}', 'utf16le') },
      400,
      'invalid_request',
    );
    expect(fieldPaths(utf16)).toEqual(['body.name']);
    await rejected({ method: 'POST', path: '/dashboard/v1/projects', headers: { ...org(), 'content-type': 'application/json; charset=koi8-r' }, body: '{"name":"x"}' }, 415, 'unsupported_media_type');
    await rejected({ method: 'POST', path: '/dashboard/v1/projects', headers: { ...org(), ...json, 'content-encoding': 'compress' }, body: '{"name":"x"}' }, 415, 'unsupported_media_type');
  });

  test('a body on an endpoint that takes none is a 400', async () => {
    const res = await rejected({ method: 'DELETE', path: `/api/v1/connected_accounts/${f.ids.caA0}`, headers: { ...key(), ...json }, body: '{"force":true}' }, 400, 'invalid_request');
    expect(fieldPaths(res)).toContain('body');
  });

  test('__proto__ and constructor keys are unknown fields, not prototype pollution', async () => {
    for (const body of ['{"name":"x","__proto__":{"admin":true}}', '{"name":"x","constructor":{"prototype":{"admin":true}}}']) {
      const res = await rejected({ method: 'POST', path: '/dashboard/v1/projects', headers: { ...org(), ...json }, body }, 400, 'invalid_request');
      expect(fieldPaths(res).some((p) => p.startsWith('body.'))).toBe(true);
    }
    expect(({} as Record<string, unknown>)['admin']).toBeUndefined();
  });
});

describe('text fields', () => {
  const controls = ['nul\u0000byte', 'bell\u0007', 'esc\u001b[31m', 'c1\u0085', 'new\nline', 'del\u007f'];

  test.each(controls)('a name or user id with control character %j is a 400 naming the field', async (value) => {
    const org1 = await rejected({ method: 'POST', path: '/admin/v1/orgs', headers: { ...admin(), ...json }, body: JSON.stringify({ name: value }) }, 400, 'invalid_request');
    expect(fieldPaths(org1)).toContain('body.name');
    const project = await rejected({ method: 'POST', path: '/dashboard/v1/projects', headers: { ...org(), ...json }, body: JSON.stringify({ name: value }) }, 400, 'invalid_request');
    expect(fieldPaths(project)).toContain('body.name');
    const account = await rejected(
      { method: 'POST', path: '/api/v1/connected_accounts', headers: { ...key(), ...json }, body: JSON.stringify({ auth_config_id: f.ids.acKeys, user_id: value, credentials: { api_key: 'k' } }) },
      400,
      'invalid_request',
    );
    expect(fieldPaths(account)).toContain('body.user_id');
    await rejected({ method: 'GET', path: `/api/v1/connected_accounts?user_id=${encodeURIComponent(value)}`, headers: key() }, 400, 'invalid_request');
  });

  test.each(['http://127.0.0.1:1/re\u0000voke', 'http://127.0.0.1:1/revoke\r\nx: y', '\u0000http://127.0.0.1:1/revoke', 'http://user:pw@127.0.0.1:1/revoke', 'javascript:alert(1)', 'file:///etc/passwd'])(
    'a revocation endpoint %j is a 400',
    async (endpoint) => {
      const res = await rejected(
        {
          method: 'POST',
          path: '/api/v1/auth_configs',
          headers: { ...key(), ...json },
          body: JSON.stringify({ toolkit: 'oauth2', auth_scheme: 'oauth2', client_id: 'c', client_secret: 's', revocation_endpoint: endpoint }),
        },
        400,
        'invalid_request',
      );
      expect(fieldPaths(res)).toContain('body.revocation_endpoint');
    },
  );

  test('unicode names and user ids are stored and returned exactly', async () => {
    // this test writes on purpose: check the rejections so far, then take the new state as the baseline
    expect(changedTables(before, await databaseState(stack.db.db))).toEqual([]);
    const values = ['Zoë 🔑 ＡＢＣ', '\u202eevil\u202c', 'e\u0301\u0301', '👩‍👩‍👧‍👦', "Robert'); DROP TABLE orgs;--", '../../etc/passwd', '%00%2e%2e%2f'];
    for (const value of values) {
      const created = await send({ method: 'POST', path: '/api/v1/connected_accounts', headers: { ...key(), ...json }, body: JSON.stringify({ auth_config_id: f.ids.acKeys, user_id: value, credentials: { api_key: 'k' } }) });
      expect({ value, status: created.status }).toEqual({ value, status: 201 });
      const found = await send({ method: 'GET', path: `/api/v1/connected_accounts?user_id=${encodeURIComponent(value)}`, headers: key() });
      expect((found.json as { items: Array<{ user_id: string }> }).items.map((i) => i.user_id)).toEqual([value]);
    }
    before = await databaseState(stack.db.db);
  });
});

describe('dates', () => {
  const account = (credentials: Record<string, unknown>) => ({
    method: 'POST',
    path: '/api/v1/connected_accounts',
    headers: { ...key(), ...json },
    body: JSON.stringify({ auth_config_id: f.ids.acA, user_id: 'dated-user', credentials: { access_token: 'at', ...credentials } }),
  });

  test.each([
    // year 0 is a valid ISO 8601 and JS date, but not a Postgres one: this reached a 500
    '0000-01-01T00:00:00Z',
    '0001-01-01T00:00:00Z',
    '1969-12-31T23:59:59.999Z',
    // inside the range as written, outside it once the offset is applied (year 10000 in UTC)
    '9999-12-31T23:59:59-00:01',
    '+010000-01-01T00:00:00Z',
    '-000001-01-01T00:00:00Z',
    '2024-02-30T00:00:00Z',
    '2023-02-29T00:00:00Z',
    '2024-01-01T24:00:00Z',
    '2016-12-31T23:59:60Z',
    '2024-01-01T00:00:00+25:00',
    '2024-01-01T00:00:00',
    '2024-01-01T00:00Z',
    '2024-01-01',
    '2024-01-01 00:00:00Z',
    '2024-01-01T00:00:00.1234567890Z',
    '１９７０-01-01T00:00:00Z',
    '2024-01-01T00:00:00Z\u0000',
    '',
  ])('expires_at %j is a 400 naming the field', async (value) => {
    const res = await rejected(account({ expires_at: value }), 400, 'invalid_request');
    expect(fieldPaths(res)).toEqual(['body.credentials.expires_at']);
  });

  test.each([1e309, -0, 0, 1700000000, 1.5e300, true, null, ['2024-01-01T00:00:00Z'], { at: '2024-01-01T00:00:00Z' }])('expires_at %j (not a string) is a 400 naming the field', async (value) => {
    const res = await rejected({ ...account({}), body: `{"auth_config_id":"${f.ids.acA}","user_id":"u","credentials":{"access_token":"at","expires_at":${value === 1e309 ? '1e309' : Object.is(value, -0) ? '-0' : JSON.stringify(value)}}}` }, 400, 'invalid_request');
    expect(fieldPaths(res)).toEqual(['body.credentials.expires_at']);
  });

  test('the first and last instants of the accepted range, any offset, are stored to the millisecond', async () => {
    expect(changedTables(before, await databaseState(stack.db.db))).toEqual([]);
    const cases: Array<[string, string]> = [
      ['1970-01-01T00:00:00Z', '1970-01-01T00:00:00.000Z'],
      ['1970-01-01T01:00:00+01:00', '1970-01-01T00:00:00.000Z'],
      ['9999-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999Z'],
      ['9999-12-31T22:59:59.999-01:00', '9999-12-31T23:59:59.999Z'],
      ['2024-02-29T12:00:00.5+14:00', '2024-02-28T22:00:00.500Z'],
    ];
    for (const [sent, stored] of cases) {
      const res = await send(account({ expires_at: sent }));
      expect({ sent, status: res.status }).toEqual({ sent, status: 201 });
      const row = await stack.db.db.credential.findUniqueOrThrow({ where: { connectedAccountId: (res.json as { id: string }).id } });
      expect({ sent, stored: row.expiresAt?.toISOString() }).toEqual({ sent, stored });
    }
    before = await databaseState(stack.db.db);
  });
});

describe('numbers', () => {
  test.each(['0x10', '1e1', '+5', ' 5', '5 ', '5.0', '-0', '05', '٥', '５', '1_0', 'Infinity', '9007199254740993'])('limit=%j (not plain decimal digits in range) is a 400 naming query.limit', async (limit) => {
    for (const path of ['/api/v1/connected_accounts', '/api/v1/auth_configs', '/api/v1/revoke_jobs', `/api/v1/revoke_jobs/${f.ids.pjA}/results`]) {
      const res = await rejected({ method: 'GET', path: `${path}?limit=${encodeURIComponent(limit)}`, headers: key() }, 400, 'invalid_request');
      expect(fieldPaths(res)).toEqual(['query.limit']);
    }
    const projects = await rejected({ method: 'GET', path: `/dashboard/v1/projects?limit=${encodeURIComponent(limit)}`, headers: org() }, 400, 'invalid_request');
    expect(fieldPaths(projects)).toEqual(['query.limit']);
    const run = await stack.db.db.job.findUniqueOrThrow({ where: { id: f.ids.pjA as string } });
    const items = await rejected(
      { method: 'GET', path: `/v1/workflows/${run.workflowId}/runs/${run.runId}/items?limit=${encodeURIComponent(limit)}`, headers: { authorization: `Bearer ${stack.env['THERMOS_SERVICE_TOKEN'] as string}` } },
      400,
      'invalid_request',
      'thermos',
    );
    expect(fieldPaths(items)).toEqual(['query.limit']);
  });

  test.each(['http://127.0.0.1:0/revoke', 'http://127.0.0.1:65536/revoke', 'http://127.0.0.1:99999999999/revoke', 'http://127.0.0.1:-1/revoke', 'http://[::1]:0/revoke', 'https://example.com:0x50/revoke'])(
    'a revocation endpoint with port %j is a 400',
    async (endpoint) => {
      const res = await rejected(
        { method: 'POST', path: '/api/v1/auth_configs', headers: { ...key(), ...json }, body: JSON.stringify({ toolkit: 'oauth2', auth_scheme: 'oauth2', client_id: 'c', client_secret: 's', revocation_endpoint: endpoint }) },
        400,
        'invalid_request',
      );
      expect(fieldPaths(res)).toEqual(['body.revocation_endpoint']);
    },
  );

  test.each([
    ['1e309', '{"scope":{"type":"project"},"dry_run":1e309}', 'body.dry_run'],
    ['-0', '{"scope":{"type":"project"},"dry_run":-0}', 'body.dry_run'],
    ['a huge integer id', '{"scope":{"type":"project","id":123456789012345678901234567890}}', 'body.scope.id'],
    ['1e400 as a type', '{"scope":{"type":1e400}}', 'body.scope.type'],
  ])('a JSON number (%s) where none belongs is a 400 naming the field', async (_label, body, field) => {
    const res = await rejected({ method: 'POST', path: '/api/v1/revoke_jobs', headers: { ...key(), ...json }, body }, 400, 'invalid_request');
    expect(fieldPaths(res)).toEqual([field]);
  });
});

describe('unicode and JSON edge cases', () => {
  // JSON escapes can spell a lone surrogate, which no UTF-8 text can hold: Postgres, the vault
  // and providers would each get a silently different string (U+FFFD)
  const loneSurrogates = ['\\ud800', 'a\\udfffb', '\\udc00\\ud800'];

  test.each(loneSurrogates)('a lone surrogate %s in any string field is a 400 naming the field', async (escaped) => {
    const cases: Array<[string, string, Record<string, string>, string]> = [
      ['/admin/v1/orgs', `{"name":"${escaped}"}`, admin(), 'body.name'],
      ['/dashboard/v1/projects', `{"name":"${escaped}"}`, org(), 'body.name'],
      ['/api/v1/auth_configs', `{"toolkit":"oauth2","auth_scheme":"oauth2","client_id":"c${escaped}","client_secret":"s","revocation_endpoint":"http://127.0.0.1:1/revoke"}`, key(), 'body.client_id'],
      ['/api/v1/auth_configs', `{"toolkit":"oauth2","auth_scheme":"oauth2","client_id":"c","client_secret":"s${escaped}","revocation_endpoint":"http://127.0.0.1:1/revoke"}`, key(), 'body.client_secret'],
      ['/api/v1/auth_configs', `{"toolkit":"oauth2","auth_scheme":"oauth2","client_id":"c","client_secret":"s","revocation_endpoint":"http://127.0.0.1:1/re${escaped}voke"}`, key(), 'body.revocation_endpoint'],
      ['/api/v1/connected_accounts', `{"auth_config_id":"${f.ids.acA}","user_id":"u${escaped}","credentials":{"access_token":"a"}}`, key(), 'body.user_id'],
      ['/api/v1/connected_accounts', `{"auth_config_id":"${f.ids.acA}","user_id":"u","credentials":{"access_token":"a${escaped}"}}`, key(), 'body.credentials.access_token'],
      ['/api/v1/connected_accounts', `{"auth_config_id":"${f.ids.acA}","user_id":"u","credentials":{"access_token":"a","refresh_token":"${escaped}"}}`, key(), 'body.credentials.refresh_token'],
      ['/api/v1/connected_accounts', `{"auth_config_id":"${f.ids.acKeys}","user_id":"u","credentials":{"api_key":"k${escaped}"}}`, key(), 'body.credentials.api_key'],
      ['/api/v1/revoke_jobs', `{"scope":{"type":"project","${escaped}":1}}`, key(), 'body.scope'],
    ];
    for (const [path, body, headers, field] of cases) {
      const res = await rejected({ method: 'POST', path, headers: { ...headers, ...json }, body }, 400, 'invalid_request');
      expect({ path, body, fields: fieldPaths(res) }).toEqual({ path, body, fields: [field] });
    }
  });

  test.each([
    ['NUL', 'a\u0000b'],
    ['a newline', 'a\nb'],
    ['DEL', 'a\u007fb'],
    ['an emoji', 'tok🔑'],
    ['RTL override', 'tok\u202e'],
  ])('an OAuth token or client secret with %s (outside RFC 6749 VSCHAR) is a 400 naming the field', async (_label, value) => {
    const account = (credentials: Record<string, string>) =>
      rejected({ method: 'POST', path: '/api/v1/connected_accounts', headers: { ...key(), ...json }, body: JSON.stringify({ auth_config_id: f.ids.acA, user_id: 'u', credentials }) }, 400, 'invalid_request');
    expect(fieldPaths(await account({ access_token: value }))).toEqual(['body.credentials.access_token']);
    expect(fieldPaths(await account({ access_token: 'a', refresh_token: value }))).toEqual(['body.credentials.refresh_token']);
    const config = await rejected(
      { method: 'POST', path: '/api/v1/auth_configs', headers: { ...key(), ...json }, body: JSON.stringify({ toolkit: 'github', auth_scheme: 'oauth2', client_id: 'c', client_secret: value }) },
      400,
      'invalid_request',
    );
    expect(fieldPaths(config)).toEqual(['body.client_secret']);
  });

  test.each([['NUL', 'k\u0000'], ['CR LF (a header injection once sent upstream)', 'k\r\nx-injected: 1'], ['ESC', 'k\u001b[31m']])('an API key with %s is a 400 naming the field', async (_label, value) => {
    const res = await rejected(
      { method: 'POST', path: '/api/v1/connected_accounts', headers: { ...key(), ...json }, body: JSON.stringify({ auth_config_id: f.ids.acKeys, user_id: 'u', credentials: { api_key: value } }) },
      400,
      'invalid_request',
    );
    expect(fieldPaths(res)).toEqual(['body.credentials.api_key']);
  });

  test('a duplicate key anywhere in a body is a 400 naming it, not a silent pick of one', async () => {
    const cases: Array<[string, string, Record<string, string>, string]> = [
      ['/dashboard/v1/projects', '{"name":"a","name":"b"}', org(), 'body.name'],
      ['/dashboard/v1/projects', '{"name":"a","n\\u0061me":"b"}', org(), 'body.name'],
      ['/api/v1/revoke_jobs', '{"scope":{"type":"project","type":"org"}}', key(), 'body.scope.type'],
      ['/api/v1/connected_accounts', `{"auth_config_id":"${f.ids.acA}","user_id":"u","credentials":{"access_token":"a","access_token":"b"}}`, key(), 'body.credentials.access_token'],
      ['/api/v1/revoke_jobs', '{"scope":{"type":"project"},"x":[{"a":1,"a":2}]}', key(), 'body.x.0.a'],
    ];
    for (const [path, body, headers, field] of cases) {
      const res = await rejected({ method: 'POST', path, headers: { ...headers, ...json }, body }, 400, 'invalid_request');
      expect({ body, fields: fieldPaths(res) }).toEqual({ body, fields: [field] });
    }
  });

  test('the same key in two different objects is not a duplicate', async () => {
    const res = await send({ method: 'POST', path: '/api/v1/revoke_jobs', headers: { ...key(), ...json }, body: '{"scope":{"type":"project"},"dry_run":true}' });
    expect(res.status).toBe(200);
    const nested = await rejected({ method: 'POST', path: '/api/v1/revoke_jobs', headers: { ...key(), ...json }, body: '{"scope":{"type":"project","id":"x"},"id":"y"}' }, 400, 'invalid_request');
    expect(fieldPaths(nested).sort()).toEqual(['body.id', 'body.scope.id']);
  });

  test('lengths count characters (code points), as the OpenAPI maxLength does, not UTF-16 units', async () => {
    expect(changedTables(before, await databaseState(stack.db.db))).toEqual([]);
    const longest = await send({ method: 'POST', path: '/dashboard/v1/projects', headers: { ...org(), ...json }, body: JSON.stringify({ name: '🔑'.repeat(200) }) });
    expect(longest.status).toBe(201);
    expect((longest.json as { name: string }).name).toBe('🔑'.repeat(200));
    before = await databaseState(stack.db.db);
    const over = await rejected({ method: 'POST', path: '/dashboard/v1/projects', headers: { ...org(), ...json }, body: JSON.stringify({ name: '🔑'.repeat(201) }) }, 400, 'invalid_request');
    expect(fieldPaths(over)).toEqual(['body.name']);
    const overUser = await rejected(
      { method: 'POST', path: '/api/v1/connected_accounts', headers: { ...key(), ...json }, body: JSON.stringify({ auth_config_id: f.ids.acKeys, user_id: 'é'.repeat(257), credentials: { api_key: 'k' } }) },
      400,
      'invalid_request',
    );
    expect(fieldPaths(overUser)).toEqual(['body.user_id']);
  });
});

describe('ids and queries', () => {
  // as they appear on the wire: node:http refuses spaces and non-ASCII in a request line
  const hostileIds: Array<[string, string]> = [
    ['SQL comment', "ca_'%20OR%201=1--"],
    ['SQL quote', "ca_'OR'1'='1"],
    ['dot-dot', '..'],
    ['encoded slashes', '..%2F..%2Fadmin'],
    ['encoded dot-dot-slash', '%2e%2e%2f'],
    ['encoded dot-dot', '%2e%2e'],
    ['NUL', '%00'],
    ['NUL after a prefix', 'ca_%00'],
    ['newline after a valid-looking id', `ca_${'0'.repeat(25)}%0A`],
    ['double-encoded traversal', '%252e%252e%252f'],
    ['broken escape', '%ZZ'],
    ['lone percent', '%'],
    ['emoji', `ca_${encodeURIComponent('😀')}`],
    ['5,000 characters', `ca_${'A'.repeat(5000)}`],
  ];

  test.each(hostileIds)('an id with %s in a path is a 400 or 404, in the error shape', async (_label, id) => {
    await rejected({ method: 'GET', path: `/api/v1/connected_accounts/${id}`, headers: key() }, [400, 404]);
    await rejected({ method: 'DELETE', path: `/api/v1/auth_configs/${id}?revoke_on_delete=true`, headers: key() }, [400, 404]);
    await rejected({ method: 'POST', path: `/api/v1/connected_accounts/${id}/revoke`, headers: key() }, [400, 404]);
    await rejected({ method: 'GET', path: `/api/v1/revoke_jobs/${id}/results`, headers: key() }, [400, 404]);
    await rejected({ method: 'GET', path: `/dashboard/v1/projects/${id}/api_keys`, headers: org() }, [400, 404]);
    await rejected({ method: 'POST', path: `/admin/v1/orgs/${id}/revoke_tokens`, headers: admin() }, [400, 404]);
  });

  test('dot segments are not resolved into another route', async () => {
    await rejected({ method: 'GET', path: '/api/v1/connected_accounts/../../../admin/v1/orgs', headers: key() }, 404, 'not_found');
    await rejected({ method: 'POST', path: '/api/v1/revoke_jobs/../../../admin/v1/orgs', headers: { ...key(), ...json }, body: '{"name":"x"}' }, 404, 'not_found');
    await rejected({ method: 'GET', path: '/api/v1/connected_accounts/%2e%2e/%2e%2e/auth_configs', headers: key() }, 404, 'not_found');
  });

  test('SQL metacharacters in query filters are data, not SQL', async () => {
    const res = await send({ method: 'GET', path: `/api/v1/connected_accounts?user_id=${encodeURIComponent("x' OR '1'='1")}`, headers: key() });
    expect(res.status).toBe(200);
    expect((res.json as { items: unknown[] }).items).toEqual([]);
    await rejected({ method: 'GET', path: `/api/v1/connected_accounts?auth_config_id=${encodeURIComponent("ac_' OR 1=1--")}`, headers: key() }, 400, 'invalid_request');
    await rejected({ method: 'GET', path: `/api/v1/revoke_jobs/${f.ids.pjA}/results?outcome=${encodeURIComponent("failed' OR 1=1--")}`, headers: key() }, 400, 'invalid_request');
    await rejected(
      { method: 'POST', path: '/api/v1/revoke_jobs', headers: { ...key(), ...json }, body: JSON.stringify({ scope: { type: 'auth_config', id: "ac_' OR 1=1--" } }) },
      400,
      'invalid_request',
    );
  });

  test.each(['1000000', '99999999999999999999', '1e400', '-1', '0', '1.5', 'abc', '', '%00', '[]'])('limit=%j is a 400 naming query.limit', async (limit) => {
    const res = await rejected({ method: 'GET', path: `/api/v1/connected_accounts?limit=${limit}`, headers: key() }, 400, 'invalid_request');
    expect(fieldPaths(res)).toContain('query.limit');
    await rejected({ method: 'GET', path: `/api/v1/revoke_jobs/${f.ids.pjA}/results?limit=${limit}`, headers: key() }, 400, 'invalid_request');
  });

  test('duplicate query parameters are a 400, not a silent pick of one', async () => {
    expect(fieldPaths(await rejected({ method: 'GET', path: '/api/v1/connected_accounts?limit=1&limit=2', headers: key() }, 400, 'invalid_request'))).toContain('query.limit');
    await rejected({ method: 'GET', path: `/api/v1/revoke_jobs/${f.ids.pjA}/results?outcome=failed&outcome=revoked`, headers: key() }, 400, 'invalid_request');
    await rejected({ method: 'DELETE', path: `/api/v1/connected_accounts/${f.ids.caA1}?revoke_on_delete=false&revoke_on_delete=true`, headers: key() }, 400, 'invalid_request');
    await rejected({ method: 'GET', path: `/api/v1/connected_accounts?cursor=${f.cursors['accounts'] as string}&cursor=${f.cursors['accounts'] as string}`, headers: key() }, 400, 'invalid_request');
  });

  test('bracket and dotted query syntax is not expanded into objects', async () => {
    await rejected({ method: 'GET', path: '/api/v1/connected_accounts?limit[$gt]=1', headers: key() }, 400, 'invalid_request');
    await rejected({ method: 'GET', path: '/api/v1/connected_accounts?status[]=active', headers: key() }, 400, 'invalid_request');
    await rejected({ method: 'GET', path: '/api/v1/connected_accounts?__proto__[x]=1', headers: key() }, 400, 'invalid_request');
  });

  test('a very long URL is refused in the error shape, never a 5xx', async () => {
    // under the 16 KiB header limit: the route answers
    await rejected({ method: 'GET', path: `/api/v1/connected_accounts?user_id=${'u'.repeat(12_000)}`, headers: key() }, 400, 'invalid_request');
    await rejected({ method: 'GET', path: `/api/v1/${'a/'.repeat(6_000)}`, headers: key() }, 404, 'not_found');
    // over it: Node's HTTP parser refuses it before any route runs
    for (const base of ['apollo', 'thermos'] as const) {
      const res = await send({ method: 'GET', path: `/api/v1/connected_accounts?cursor=${'c'.repeat(70_000)}`, headers: key() }, base);
      expect({ base, status: res.status, problems: errorShapeProblems(res) }).toEqual({ base, status: 431, problems: [] });
    }
  });

  test('requests the HTTP parser refuses are answered in the error shape too', async () => {
    for (const bytes of ['GET /api/v1/connected_accounts\u0000 HTTP/1.1\r\nhost: x\r\n\r\n', 'NOT-HTTP\r\n\r\n', `GET / HTTP/1.1\r\nhost: x\r\nx-big: ${'h'.repeat(20_000)}\r\n\r\n`, 'GET / HTTP/1.1\r\nhost: x\r\ncontent-length: 1\r\ntransfer-encoding: chunked\r\n\r\n']) {
      const res = await rawSocket(stack.apollo.url, bytes);
      exchanges.push({ request: bytes.slice(0, 40), status: res.status });
      expect({ sent: bytes.slice(0, 40), status: res.status >= 400 && res.status < 500, problems: errorShapeProblems(res) }).toEqual({ sent: bytes.slice(0, 40), status: true, problems: [] });
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    }
  });
});

describe('cursors', () => {
  const list = (path: string, cursor: string, headers: Record<string, string> = key()) => ({ method: 'GET', path: `${path}${path.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(cursor)}`, headers });

  test('a genuine cursor continues its own listing', async () => {
    const res = await send(list('/api/v1/connected_accounts?limit=1', f.cursors['accounts'] as string));
    expect(res.status).toBe(200);
  });

  test('forged cursors are a 400 invalid_request on every paged endpoint', async () => {
    const genuine = f.cursors['accounts'] as string;
    const [payload, mac] = genuine.split('.') as [string, string];
    const forged = [
      'garbage',
      Buffer.from('ca_00000000000000000000000000').toString('base64url'),
      `${Buffer.from('ca_00000000000000000000000000').toString('base64url')}.${mac}`,
      `${payload}.${mac.slice(0, -2)}`,
      `${payload}.${Buffer.alloc(16).toString('base64url')}`,
      `${payload}.${mac}.extra`,
      `${payload}x.${mac}`,
      `.${mac}`,
      `${payload}.`,
      '%00',
      "' OR 1=1--",
      'x'.repeat(4096),
    ];
    for (const cursor of forged) {
      for (const path of ['/api/v1/connected_accounts', '/api/v1/auth_configs', '/api/v1/revoke_jobs', `/api/v1/revoke_jobs/${f.ids.pjA}/results`]) {
        await rejected(list(path, cursor), 400, 'invalid_request');
      }
      await rejected(list('/dashboard/v1/projects', cursor, org()), 400, 'invalid_request');
    }
  });

  test('a cursor replayed on another endpoint, another filter or another job is a 400', async () => {
    await rejected(list('/api/v1/auth_configs', f.cursors['accounts'] as string), 400, 'invalid_request');
    await rejected(list('/api/v1/revoke_jobs', f.cursors['accounts'] as string), 400, 'invalid_request');
    await rejected(list(`/api/v1/connected_accounts?auth_config_id=${f.ids.acA}`, f.cursors['accounts'] as string), 400, 'invalid_request');
    await rejected(list('/api/v1/connected_accounts?status=active', f.cursors['accounts'] as string), 400, 'invalid_request');
    await rejected(list('/api/v1/connected_accounts', f.cursors['accountsFiltered'] as string), 400, 'invalid_request');
    await rejected(list(`/api/v1/revoke_jobs/${f.ids.pjA}/results?outcome=failed`, f.cursors['results'] as string), 400, 'invalid_request');
    await rejected(list('/dashboard/v1/projects', f.cursors['authConfigs'] as string, org()), 400, 'invalid_request');
    // thermos's inner cursor is not an apollo cursor
    await rejected(list(`/api/v1/revoke_jobs/${f.ids.pjA}/results`, f.cursors['thermosItems'] as string), 400, 'invalid_request');
  });

  test('changing any one character of a cursor is a 400, unless only spare bits of its MAC changed', async () => {
    const cursor = f.cursors['accounts'] as string;
    const [payload, mac] = cursor.split('.') as [string, string];
    // the MAC covers the payload's text, so only an edit of the MAC's last character's spare
    // bits (base64url) can leave the cursor valid: it decodes to the very same MAC
    const stillValid = (tampered: string) => {
      const [p, m, ...rest] = tampered.split('.');
      return rest.length === 0 && p === payload && m !== undefined && Buffer.from(m, 'base64url').equals(Buffer.from(mac, 'base64url'));
    };
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.';
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: cursor.length - 1 }), fc.constantFrom(...alphabet), async (at, char) => {
        const tampered = `${cursor.slice(0, at)}${char}${cursor.slice(at + 1)}`;
        fc.pre(tampered !== cursor);
        const res = await send(list('/api/v1/connected_accounts?limit=1', tampered));
        expect({ tampered, status: res.status }).toEqual({ tampered, status: stillValid(tampered) ? 200 : 400 });
      }),
      { numRuns: 60, seed: 7 },
    );
  });

  test("another tenant's cursor is a 400 for the caller, even on the same endpoint", async () => {
    await rejected(list('/api/v1/connected_accounts?limit=1', f.cursors['accounts'] as string, { 'x-api-key': f.b.apiKey }), 400, 'invalid_request');
    await rejected(list('/api/v1/connected_accounts?limit=1', f.cursors['accounts'] as string, { 'x-api-key': f.a2.apiKey }), 400, 'invalid_request');
    await rejected(list('/dashboard/v1/projects?limit=1', f.cursors['projects'] as string, { authorization: `Bearer ${f.b.orgToken}` }), 400, 'invalid_request');
  });
});

describe('methods and routes', () => {
  test.each([
    ['PUT', '/api/v1/connected_accounts'],
    ['PATCH', '/api/v1/auth_configs'],
    ['DELETE', '/api/v1/revoke_jobs'],
    ['PUT', '/dashboard/v1/projects'],
    ['POST', '/api/v1/revoke_jobs/pj_00000000000000000000000000'],
    ['GET', '/admin/v1/orgs'],
    ['TRACE', '/api/v1/connected_accounts'],
    ['PROPFIND', '/api/v1/connected_accounts'],
    ['GET', '/api/v2/connected_accounts'],
    ['GET', '/API/V1/CONNECTED_ACCOUNTS/X/Y'],
  ])('%s %s is a 404 or 405 in the error shape', async (method, path) => {
    await rejected({ method, path, headers: key() }, [404, 405]);
  });

  test('OPTIONS and HEAD never fail with a 5xx', async () => {
    for (const method of ['OPTIONS', 'HEAD']) {
      const res = await send({ method, path: '/api/v1/connected_accounts', headers: key() });
      expect({ method, status: res.status < 500 }).toEqual({ method, status: true });
    }
  });

  test('an unknown method on the thermos run API is a 404 in the error shape', async () => {
    await rejected({ method: 'DELETE', path: `/v1/workflows/revoke-x-${'0'.repeat(32)}/runs/x`, headers: { authorization: `Bearer ${stack.env['THERMOS_SERVICE_TOKEN'] as string}` } }, [404, 405], undefined, 'thermos');
  });

  test('a hostile x-request-id is replaced, not echoed', async () => {
    const res = await send({ method: 'GET', path: '/api/v1/nothing', headers: { 'x-request-id': '<script>alert(1)</script>' } });
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.text).not.toContain('<script>');
  });
});

test('none of the hostile requests changed the database, and none was a 5xx', async () => {
  await waitForQuiet(stack.db.db);
  expect(changedTables(before, await databaseState(stack.db.db))).toEqual([]);
  expect(exchanges.filter((e) => e.status >= 500)).toEqual([]);
  expect(exchanges.length).toBeGreaterThan(150);
});
