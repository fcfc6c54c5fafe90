import { sanitizeErrorCode, sanitizeMessage } from './sanitize';

/**
 * The one place where a provider's answer becomes a decision. Pure: the revoker retries
 * `transient`, the adapters combine the rest into a RevokeResult.
 */
export type ProviderResponse = { status: number; body: unknown; retryAfter?: string | null; truncated?: boolean };

export type TransientCode = 'rate_limited' | 'provider_unavailable' | 'timeout';

export type Classification =
  | { kind: 'ok'; body: unknown }
  | { kind: 'already_revoked'; errorCode: string }
  | { kind: 'transient'; errorCode: TransientCode; errorMessage: string; retryAfterMs: number | null }
  | { kind: 'failed'; errorCode: string; errorMessage: string; providerWide: boolean; status?: number };

export type ClassifyContext = {
  /** How the call authenticated: a 401 blames the app's client credentials, or the token itself. */
  auth: 'client' | 'token';
  /** The secrets sent in the call, masked out of anything the provider echoes back. */
  secrets?: readonly string[];
  /** The provider's own error vocabulary, from its catalog entry (`errors`). */
  vocabulary?: ErrorVocabulary;
  now?: number;
};

/**
 * Codes (or, for providers that answer with text only, exact messages) a provider documents for
 * a dead token, a bad client and rate limiting. They are matched wherever providers put them:
 * `error`, `error['.tag']`, `error.type`, `code`, a string `status` or `category`, the first
 * GraphQL error's `extensions.code`, or the whole `message`.
 */
export type ErrorVocabulary = { deadToken?: readonly string[]; badClient?: readonly string[]; rateLimited?: readonly string[] };

// Error codes that prove the token is dead at any provider: RFC 6749 section 5.2's invalid_grant
// and RFC 6750 section 3.1's invalid_token. A provider's own codes (Slack's token_revoked,
// Dropbox's expired_access_token, GitHub's bad_refresh_token ...) come from its catalog entry
// (`errors`), passed in as the vocabulary: this file holds no provider's facts.
const DEAD_TOKEN = new Set(['invalid_token', 'invalid_grant']);
// Codes that blame the app's client credentials (RFC 6749 section 5.2): every connection of the
// app will fail alike. Providers' own (Slack's bad_client_secret, GitHub's
// incorrect_client_credentials) come from their catalog entries.
const BAD_CLIENT = new Set(['invalid_client', 'unauthorized_client']);
// Codes that never prove a token dead, whatever a provider's page lists next to its dead-token
// answer: a malformed request, a refused or unidentified caller, a suspended (not deleted) user.
const NEVER_DEAD = new Set(['invalid_request', 'invalid_auth', 'not_authed', 'user_suspended', 'access_denied', 'unauthorized', 'forbidden', 'invalid_scope', 'insufficient_scope']);
const SLACK_TRANSIENT: Record<string, TransientCode> = { ratelimited: 'rate_limited', service_unavailable: 'provider_unavailable', internal_error: 'provider_unavailable', fatal_error: 'provider_unavailable', request_timeout: 'timeout' };

/**
 * Classification is by status, then by the error the body carries. A 2xx counts as success
 * only when its body is empty or a JSON value without an error: a 2xx carrying an error is
 * classified by that error, and a 2xx with a body that is not JSON (an HTML page, binary, a
 * body cut off at our size limit) is not counted as success, because such an endpoint may not
 * be a revocation endpoint at all. Redirects are never followed.
 */
export function classifyResponse(response: ProviderResponse, context: ClassifyContext): Classification {
  const { status, body } = response;
  const secrets = context.secrets ?? [];
  const code = sanitizeErrorCode(errorCodeOf(body), secrets);
  const message = (fallback: string): string => sanitizeMessage(errorMessageOf(body) ?? fallback, secrets);
  const failed = (errorCode: string, errorMessage: string, providerWide = false): Classification => ({ kind: 'failed', errorCode, errorMessage, providerWide, status });

  if (!Number.isInteger(status) || status < 200 || status > 599) {
    return failed('provider_bad_status', `provider answered with HTTP status ${Number.isInteger(status) ? status : 'none'}, which has no meaning here`);
  }
  if (status >= 300 && status < 400) {
    // the Location is not recorded: it is provider-chosen text and may point anywhere
    return failed('provider_redirect', `provider answered HTTP ${status} (a redirect, which is never followed): the endpoint is misconfigured`, true);
  }
  const vocabulary = vocabularyMatch(body, context.vocabulary);
  if (status === 429 || (code !== undefined && SLACK_TRANSIENT[code] === 'rate_limited') || (status >= 400 && vocabulary === 'rate_limited')) {
    return { kind: 'transient', errorCode: 'rate_limited', errorMessage: message(`provider answered HTTP ${status} (rate limited)`), retryAfterMs: parseRetryAfter(response.retryAfter, context.now) };
  }
  if (status >= 500 || status === 408) {
    return { kind: 'transient', errorCode: status === 408 ? 'timeout' : 'provider_unavailable', errorMessage: message(`provider answered HTTP ${status}`), retryAfterMs: parseRetryAfter(response.retryAfter, context.now) };
  }
  if (status < 300) {
    if (isSlackFailure(body)) {
      const transient = code === undefined ? undefined : SLACK_TRANSIENT[code];
      if (transient) return { kind: 'transient', errorCode: transient, errorMessage: message(`provider reported ${code}`), retryAfterMs: parseRetryAfter(response.retryAfter, context.now) };
    } else if (!hasError(body)) {
      if (body === null || typeof body === 'object') return { kind: 'ok', body };
      return failed('unexpected_response', `provider answered HTTP ${status} with a body that is not JSON${response.truncated ? ' (and too large)' : ''}; not counted as revoked: the endpoint may not be a revocation endpoint`);
    }
  }
  if ((code !== undefined && BAD_CLIENT.has(code)) || vocabulary === 'bad_client') return failed('invalid_client', message(`provider rejected the client credentials (${code ?? `HTTP ${status}`})`), true);
  if ((code !== undefined && DEAD_TOKEN.has(code)) || vocabulary === 'dead_token') return { kind: 'already_revoked', errorCode: code ?? `http_${status}` };
  // a 401 on a call the token authenticated: dead, unless the provider named another reason
  if (status === 401 && context.auth === 'token' && code === undefined) return { kind: 'already_revoked', errorCode: 'http_401' };
  if (status === 401 && context.auth === 'client') return failed('invalid_client', message('provider rejected the client credentials (HTTP 401)'), true);
  return failed(code ?? `http_${status}`, message(`provider answered HTTP ${status}`));
}

/**
 * A request that never got a usable answer. Connection refused/reset, DNS and our timeout are
 * transient; an answer that is not HTTP (the parser's HPE_ codes) is the server's lasting
 * fault, and a destination the egress policy refused is the auth config's.
 */
export function classifyNetworkError(error: unknown): Classification {
  // by name, not instanceof: undici's DOMException may come from another realm
  const name = isRecord(error) ? error.name : undefined;
  if (name === 'EgressDeniedError') {
    const text = isRecord(error) && typeof error.message === 'string' ? error.message : 'egress policy refused the endpoint';
    return { kind: 'failed', errorCode: 'egress_denied', errorMessage: sanitizeMessage(text), providerWide: true };
  }
  if (name === 'TimeoutError' || name === 'AbortError') return { kind: 'transient', errorCode: 'timeout', errorMessage: 'provider did not answer in time', retryAfterMs: null };
  const cause = networkCauseOf(error);
  if (cause.startsWith('HPE_')) return { kind: 'failed', errorCode: 'provider_protocol_error', errorMessage: `the provider's answer is not valid HTTP (${cause})`, providerWide: false };
  return { kind: 'transient', errorCode: 'provider_unavailable', errorMessage: `could not reach the provider (${cause})`, retryAfterMs: null };
}

/** `Retry-After` as delta-seconds or an HTTP date, in milliseconds from `now`; null when absent or unreadable. */
/** The longest wait a Retry-After can ask for here: callers cap lower still, and a hostile value cannot overflow a stored interval. */
export const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | null {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  // delta-seconds; fractions too, as some providers send them ("2.0" at Shopify)
  if (/^\d+(?:\.\d+)?$/.test(trimmed)) return Math.min(Math.ceil(Number(trimmed) * 1000), MAX_RETRY_AFTER_MS);
  // an HTTP-date names its weekday and month; Date.parse would also read "-5" or "2,5" as dates in the past ("retry now")
  if (!/[A-Za-z]{3}/.test(trimmed)) return null;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.min(Math.max(0, date - now), MAX_RETRY_AFTER_MS);
}

function isSlackFailure(body: unknown): boolean {
  return isRecord(body) && body.ok === false;
}

function hasError(body: unknown): boolean {
  return isRecord(body) && body.error !== undefined && body.error !== null && body.error !== false;
}

/**
 * `error` (RFC 6749, Slack), Dropbox's `error['.tag']`, Stripe's `error.type`, Notion's `code`,
 * HubSpot's string `status` or `category`, or the first GraphQL error's `extensions.code`.
 */
function errorCodeOf(body: unknown): unknown {
  return codeCandidates(body)[0];
}

function codeCandidates(body: unknown): string[] {
  if (!isRecord(body)) return [];
  const found: unknown[] = [];
  if (typeof body.error === 'string') found.push(body.error);
  if (isRecord(body.error)) found.push(body.error['.tag'], body.error.type);
  found.push(body.code, body.status, body.category);
  const first = Array.isArray(body.errors) ? (body.errors[0] as unknown) : undefined;
  if (isRecord(first) && isRecord(first.extensions)) found.push(first.extensions.code);
  return found.filter((v): v is string => typeof v === 'string' && v !== '');
}

/**
 * Everywhere a provider may put the code its documentation lists, for matching its own
 * vocabulary only: wider than codeCandidates (which names the code we record), so a listed code
 * is found in Salesforce's array of errors, `errorCode`/`ErrorCode`/`ECODE` (Salesforce, Postmark,
 * ClickUp), `error.code` (OpenAI), `errors[0].code` (Intercom, Strava), integer codes (Twilio), or
 * the whole `message`. An unlisted code found here means nothing.
 */
function vocabularyCandidates(body: unknown): string[] {
  const root = Array.isArray(body) && isRecord(body[0]) ? body[0] : body;
  if (!isRecord(root)) return [];
  const found: unknown[] = [...codeCandidates(root), root.code, root.errorCode, root.ErrorCode, root.error_code, root.ECODE, root.message];
  if (isRecord(root.error)) found.push(root.error.code);
  const first = Array.isArray(root.errors) ? (root.errors[0] as unknown) : undefined;
  if (isRecord(first)) found.push(first.code);
  return found.flatMap((v) => (typeof v === 'string' && v !== '' ? [v] : Number.isSafeInteger(v) ? [String(v)] : []));
}

/**
 * What the provider's own vocabulary says the answer is. A code listed both as a dead token and
 * as a bad client says neither; a code of NEVER_DEAD never reads as a dead token.
 */
function vocabularyMatch(body: unknown, vocabulary: ErrorVocabulary | undefined): 'dead_token' | 'bad_client' | 'rate_limited' | undefined {
  if (!vocabulary) return undefined;
  const said = vocabularyCandidates(body);
  const has = (list: readonly string[] | undefined) => said.some((c) => list?.includes(c) === true);
  if (has(vocabulary.rateLimited)) return 'rate_limited';
  const dead = said.some((c) => vocabulary.deadToken?.includes(c) === true && !NEVER_DEAD.has(c) && vocabulary.badClient?.includes(c) !== true);
  const bad = said.some((c) => vocabulary.badClient?.includes(c) === true && vocabulary.deadToken?.includes(c) !== true);
  if (bad) return 'bad_client';
  if (dead) return 'dead_token';
  return undefined;
}

function errorMessageOf(body: unknown): string | undefined {
  if (!isRecord(body)) return undefined;
  for (const key of ['error_description', 'message', 'error_summary'] as const) {
    const value = body[key];
    if (typeof value === 'string' && value.trim() !== '') return value;
  }
  return undefined;
}

// Only the errno-style code: undici's messages can quote the URL.
function networkCauseOf(error: unknown): string {
  const cause = isRecord(error) && isRecord(error.cause) ? error.cause : undefined;
  const code = cause?.code;
  return typeof code === 'string' && /^[A-Z_]+$/.test(code) ? code : 'network error';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
