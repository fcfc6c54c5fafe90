import { toolkitEntry } from './catalog';
import { classifyNetworkError, classifyResponse, MAX_RETRY_AFTER_MS, parseRetryAfter, type ClassifyContext } from './classify';

const client: ClassifyContext = { auth: 'client' };
const token: ClassifyContext = { auth: 'token' };
// a provider's own error codes come from its catalog entry, as the revoker and refresher pass them
const as = (slug: string, context: ClassifyContext): ClassifyContext => ({ ...context, vocabulary: toolkitEntry(slug)?.vocabulary ?? {} });

describe('classifyResponse', () => {
  test('2xx is revoked (RFC 7009 answers 200 for an unknown token too), with the body kept for refreshes', () => {
    expect(classifyResponse({ status: 200, body: null }, client)).toEqual({ kind: 'ok', body: null });
    expect(classifyResponse({ status: 204, body: null }, client).kind).toBe('ok');
    expect(classifyResponse({ status: 200, body: { ok: true, access_token: 'x' } }, token)).toEqual({ kind: 'ok', body: { ok: true, access_token: 'x' } });
  });

  test('400 invalid_token and invalid_grant mean the token is already dead', () => {
    expect(classifyResponse({ status: 400, body: { error: 'invalid_token' } }, client)).toEqual({ kind: 'already_revoked', errorCode: 'invalid_token' });
    expect(classifyResponse({ status: 400, body: { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' } }, client)).toEqual({ kind: 'already_revoked', errorCode: 'invalid_grant' });
  });

  test("Slack's 200 ok:false for a dead token is already revoked", () => {
    for (const error of ['token_revoked', 'token_expired', 'account_inactive', 'invalid_refresh_token']) {
      expect(classifyResponse({ status: 200, body: { ok: false, error } }, as('slack', token))).toEqual({ kind: 'already_revoked', errorCode: error });
    }
  });

  test("Slack's invalid_auth (also: a disallowed IP) and not_authed (no token sent) prove nothing about the token", () => {
    for (const error of ['invalid_auth', 'not_authed']) {
      expect(classifyResponse({ status: 200, body: { ok: false, error } }, token)).toMatchObject({ kind: 'failed', errorCode: error, providerWide: false });
    }
  });

  test("Slack's 200 ok:false ratelimited is transient, other errors are permanent with Slack's code", () => {
    expect(classifyResponse({ status: 200, body: { ok: false, error: 'ratelimited' }, retryAfter: '3' }, token)).toMatchObject({ kind: 'transient', errorCode: 'rate_limited', retryAfterMs: 3000 });
    expect(classifyResponse({ status: 200, body: { ok: false, error: 'missing_scope' } }, token)).toMatchObject({ kind: 'failed', errorCode: 'missing_scope', providerWide: false });
    expect(classifyResponse({ status: 200, body: { ok: false, error: 'bad_client_secret' } }, as('slack', client))).toMatchObject({ kind: 'failed', errorCode: 'invalid_client', providerWide: true });
  });

  test('429 is transient rate_limited and carries Retry-After', () => {
    expect(classifyResponse({ status: 429, body: null, retryAfter: '1' }, client)).toMatchObject({ kind: 'transient', errorCode: 'rate_limited', retryAfterMs: 1000 });
    expect(classifyResponse({ status: 429, body: null }, client)).toMatchObject({ kind: 'transient', retryAfterMs: null });
  });

  test('5xx is transient provider_unavailable, 408 is a transient timeout', () => {
    for (const status of [500, 502, 503, 504]) expect(classifyResponse({ status, body: 'oops' }, client)).toMatchObject({ kind: 'transient', errorCode: 'provider_unavailable' });
    expect(classifyResponse({ status: 503, body: null, retryAfter: '7' }, client)).toMatchObject({ retryAfterMs: 7000 });
    expect(classifyResponse({ status: 408, body: null }, client)).toMatchObject({ kind: 'transient', errorCode: 'timeout' });
  });

  test('invalid_client, or a 401 on a client-authenticated call, fails the whole provider app', () => {
    expect(classifyResponse({ status: 401, body: { error: 'invalid_client' } }, client)).toMatchObject({ kind: 'failed', errorCode: 'invalid_client', providerWide: true });
    expect(classifyResponse({ status: 400, body: { error: 'invalid_client' } }, token)).toMatchObject({ kind: 'failed', errorCode: 'invalid_client', providerWide: true });
    expect(classifyResponse({ status: 401, body: { message: 'Bad credentials' } }, client)).toMatchObject({ kind: 'failed', errorCode: 'invalid_client', errorMessage: 'Bad credentials', providerWide: true });
    expect(classifyResponse({ status: 403, body: { error: 'unauthorized_client' } }, client)).toMatchObject({ kind: 'failed', errorCode: 'invalid_client', providerWide: true });
  });

  test('a 401 on a call authenticated by the token itself means that token is dead', () => {
    const dropbox = { error_summary: 'expired_access_token/', error: { '.tag': 'expired_access_token' } };
    expect(classifyResponse({ status: 401, body: dropbox }, as('dropbox', token))).toEqual({ kind: 'already_revoked', errorCode: 'expired_access_token' });
    expect(classifyResponse({ status: 401, body: null }, token)).toEqual({ kind: 'already_revoked', errorCode: 'http_401' });
  });

  test('a 401 on a token-authenticated call naming another reason (a suspended user) is not proof the token is dead', () => {
    expect(classifyResponse({ status: 401, body: { error_summary: 'user_suspended/', error: { '.tag': 'user_suspended' } } }, token)).toMatchObject({ kind: 'failed', errorCode: 'user_suspended' });
  });

  test('404 is a permanent failure that keeps its status (the GitHub adapter looks at it)', () => {
    expect(classifyResponse({ status: 404, body: { message: 'Not Found' } }, client)).toMatchObject({ kind: 'failed', errorCode: 'http_404', providerWide: false, status: 404 });
  });

  test('a redirect is a provider-wide failure that never records where it pointed', () => {
    for (const status of [301, 302, 303, 307, 308]) {
      const result = classifyResponse({ status, body: null }, client);
      expect(result).toMatchObject({ kind: 'failed', errorCode: 'provider_redirect', providerWide: true });
    }
  });

  test('statuses outside 200..599 mean nothing here', () => {
    for (const status of [0, 100, 199, 600, 799, Number.NaN]) expect(classifyResponse({ status, body: null }, client)).toMatchObject({ kind: 'failed', errorCode: 'provider_bad_status' });
  });

  test('a 2xx counts only with an empty or JSON body without an error', () => {
    expect(classifyResponse({ status: 200, body: [] }, client).kind).toBe('ok');
    expect(classifyResponse({ status: 200, body: '<html>hello</html>' }, client)).toMatchObject({ kind: 'failed', errorCode: 'unexpected_response' });
    expect(classifyResponse({ status: 200, body: 42 }, client)).toMatchObject({ kind: 'failed', errorCode: 'unexpected_response' });
    expect(classifyResponse({ status: 200, body: '{"cut', truncated: true }, client)).toMatchObject({ kind: 'failed', errorCode: 'unexpected_response' });
    expect(classifyResponse({ status: 200, body: { error: 'invalid_request', error_description: 'nope' } }, client)).toEqual({ kind: 'failed', errorCode: 'invalid_request', errorMessage: 'nope', providerWide: false, status: 200 });
    expect(classifyResponse({ status: 200, body: { error: 'invalid_token' } }, client)).toEqual({ kind: 'already_revoked', errorCode: 'invalid_token' });
    // GitHub's token endpoint answers errors with 200
    expect(classifyResponse({ status: 200, body: { error: 'incorrect_client_credentials' } }, as('github', client))).toMatchObject({ kind: 'failed', errorCode: 'invalid_client', providerWide: true });
    expect(classifyResponse({ status: 200, body: { error: 'bad_refresh_token' } }, as('github', client))).toEqual({ kind: 'already_revoked', errorCode: 'bad_refresh_token' });
  });

  test("a provider's own codes prove nothing at another provider: without its catalog vocabulary they are plain failures", () => {
    for (const error of ['token_revoked', 'account_inactive', 'expired_access_token', 'bad_refresh_token']) {
      expect(classifyResponse({ status: 400, body: { error } }, client)).toMatchObject({ kind: 'failed', errorCode: error, providerWide: false });
    }
    expect(classifyResponse({ status: 400, body: { error: 'bad_client_secret' } }, client)).toMatchObject({ kind: 'failed', errorCode: 'bad_client_secret', providerWide: false });
  });

  test("other 4xx fail with the provider's error code and description, else http_<status>", () => {
    expect(classifyResponse({ status: 400, body: { error: 'unsupported_token_type', error_description: 'cannot revoke refresh tokens' } }, client)).toEqual({
      kind: 'failed',
      errorCode: 'unsupported_token_type',
      errorMessage: 'cannot revoke refresh tokens',
      providerWide: false,
      status: 400,
    });
    expect(classifyResponse({ status: 400, body: { object: 'error', code: 'validation_error', message: 'body failed validation' } }, client)).toMatchObject({ errorCode: 'validation_error', errorMessage: 'body failed validation' });
    expect(classifyResponse({ status: 422, body: 'nope' }, client)).toMatchObject({ kind: 'failed', errorCode: 'http_422', errorMessage: 'provider answered HTTP 422' });
  });

  test('provider text is truncated to 200 characters and never echoes a secret', () => {
    const secret = 'tok_SECRET_1234567890';
    const description = `token ${secret} is bad; Authorization: Bearer abc.def; see https://x?access_token=zzz ${'x'.repeat(400)}`;
    const result = classifyResponse({ status: 400, body: { error: 'invalid_request', error_description: description } }, { auth: 'client', secrets: [secret] });
    expect(result.kind).toBe('failed');
    const message = result.kind === 'failed' ? result.errorMessage : '';
    expect(message.length).toBeLessThanOrEqual(200);
    expect(message).not.toContain(secret);
    expect(message).not.toContain('abc.def');
    expect(message).not.toContain('zzz');
  });

  test('an error code that is free text or contains a secret is replaced by http_<status>', () => {
    expect(classifyResponse({ status: 400, body: { error: 'something with spaces and tok_abc' } }, client)).toMatchObject({ errorCode: 'http_400' });
    expect(classifyResponse({ status: 400, body: { error: 'tok_abc' } }, { auth: 'client', secrets: ['tok_abc'] })).toMatchObject({ errorCode: 'http_400' });
  });
});

describe('classifyNetworkError', () => {
  test('an answer that is not HTTP is a permanent protocol error; an egress refusal fails the auth config', () => {
    const parse = new Error('the provider request failed', { cause: Object.assign(new Error('Parse Error'), { code: 'HPE_INVALID_CONSTANT' }) });
    expect(classifyNetworkError(parse)).toMatchObject({ kind: 'failed', errorCode: 'provider_protocol_error', providerWide: false });
    const denied = Object.assign(new Error('egress policy refused the endpoint: its host resolves to a loopback address'), { name: 'EgressDeniedError' });
    expect(classifyNetworkError(denied)).toEqual({ kind: 'failed', errorCode: 'egress_denied', errorMessage: denied.message, providerWide: true });
  });

  test('our timeout is a transient timeout, anything else unreachable is provider_unavailable', () => {
    expect(classifyNetworkError(new DOMException('timed out', 'TimeoutError'))).toMatchObject({ kind: 'transient', errorCode: 'timeout' });
    const refused = new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }) });
    expect(classifyNetworkError(refused)).toEqual({ kind: 'transient', errorCode: 'provider_unavailable', errorMessage: 'could not reach the provider (ECONNREFUSED)', retryAfterMs: null });
  });
});

describe('parseRetryAfter', () => {
  test('reads delta-seconds and HTTP dates, ignores garbage', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });

  test('reads fractional seconds (Shopify sends "2.0"), rounding up, never as a date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('2.0', now)).toBe(2000);
    expect(parseRetryAfter('0.25', now)).toBe(250);
    expect(parseRetryAfter(' 3 ', now)).toBe(3000);
  });

  test('a number of another shape is no delay at all, not "retry now"', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    for (const value of ['-5', '2,5', '1e3', '5x', '.5', '2.', '', '   ', '0x10']) expect(parseRetryAfter(value, now)).toBeNull();
  });

  test('a delay beyond a day is a day: a hostile value cannot overflow what stores it', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('99999999999999999999', now)).toBe(MAX_RETRY_AFTER_MS);
    expect(parseRetryAfter('Fri, 31 Dec 9999 23:59:59 GMT', now)).toBe(MAX_RETRY_AFTER_MS);
    expect(parseRetryAfter('86400', now)).toBe(86_400_000);
  });
});
