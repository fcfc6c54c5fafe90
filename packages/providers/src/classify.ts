import { sanitizeErrorCode, sanitizeMessage } from './sanitize';

/**
 * The one place where a provider's answer becomes a decision. Pure: the revoker retries
 * `transient`, the adapters combine the rest into a RevokeResult.
 */
export type ProviderResponse = { status: number; body: unknown; retryAfter?: string | null };

export type TransientCode = 'rate_limited' | 'provider_unavailable' | 'timeout';

export type Classification =
  | { kind: 'ok'; body: unknown }
  | { kind: 'already_revoked'; errorCode: string }
  | { kind: 'transient'; errorCode: TransientCode; errorMessage: string; retryAfterMs: number | null }
  | { kind: 'failed'; errorCode: string; errorMessage: string; providerWide: boolean };

export type ClassifyContext = {
  /** How the call authenticated: a 401 blames the app's client credentials, or the token itself. */
  auth: 'client' | 'token';
  /** GitHub answers 404 for a grant that no longer exists. */
  notFoundIsRevoked?: boolean;
  /** The secrets sent in the call, masked out of anything the provider echoes back. */
  secrets?: readonly string[];
  now?: number;
};

// Error codes (RFC 6749/7009 and Slack's `ok:false` vocabulary) that say the token is already dead.
const DEAD_TOKEN = new Set(['invalid_token', 'invalid_grant', 'invalid_refresh_token', 'token_revoked', 'token_expired', 'invalid_auth', 'not_authed', 'account_inactive', 'expired_access_token', 'invalid_access_token']);
// Codes that blame the app's client credentials: every connection of the app will fail alike.
const BAD_CLIENT = new Set(['invalid_client', 'unauthorized_client', 'invalid_client_id', 'bad_client_secret']);
const SLACK_TRANSIENT: Record<string, TransientCode> = { ratelimited: 'rate_limited', service_unavailable: 'provider_unavailable', internal_error: 'provider_unavailable', fatal_error: 'provider_unavailable', request_timeout: 'timeout' };

export function classifyResponse(response: ProviderResponse, context: ClassifyContext): Classification {
  const { status, body } = response;
  const secrets = context.secrets ?? [];
  const code = sanitizeErrorCode(errorCodeOf(body), secrets);
  const message = (fallback: string): string => sanitizeMessage(errorMessageOf(body) ?? fallback, secrets);

  if (status === 429 || (code !== undefined && SLACK_TRANSIENT[code] === 'rate_limited')) {
    return { kind: 'transient', errorCode: 'rate_limited', errorMessage: message(`provider answered HTTP ${status} (rate limited)`), retryAfterMs: parseRetryAfter(response.retryAfter, context.now) };
  }
  if (status >= 500 || status === 408) {
    return { kind: 'transient', errorCode: status === 408 ? 'timeout' : 'provider_unavailable', errorMessage: message(`provider answered HTTP ${status}`), retryAfterMs: parseRetryAfter(response.retryAfter, context.now) };
  }
  if (status >= 200 && status < 300) {
    // Slack reports failures as 200 with {"ok": false, "error": "..."}
    if (!isSlackFailure(body)) return { kind: 'ok', body };
    const transient = code === undefined ? undefined : SLACK_TRANSIENT[code];
    if (transient) return { kind: 'transient', errorCode: transient, errorMessage: message(`provider reported ${code}`), retryAfterMs: parseRetryAfter(response.retryAfter, context.now) };
  }
  if (code !== undefined && BAD_CLIENT.has(code)) return { kind: 'failed', errorCode: 'invalid_client', errorMessage: message(`provider rejected the client credentials (${code})`), providerWide: true };
  if (code !== undefined && DEAD_TOKEN.has(code)) return { kind: 'already_revoked', errorCode: code };
  if (status === 401 && context.auth === 'token') return { kind: 'already_revoked', errorCode: code ?? 'http_401' };
  if (status === 401 && context.auth === 'client') return { kind: 'failed', errorCode: 'invalid_client', errorMessage: message('provider rejected the client credentials (HTTP 401)'), providerWide: true };
  if (status === 404 && context.notFoundIsRevoked) return { kind: 'already_revoked', errorCode: code ?? 'http_404' };
  return { kind: 'failed', errorCode: code ?? `http_${status}`, errorMessage: message(`provider answered HTTP ${status}`), providerWide: false };
}

/** A request that never got an answer (connection refused/reset, DNS, our timeout) is transient. */
export function classifyNetworkError(error: unknown): Classification {
  // by name, not instanceof: undici's DOMException may come from another realm
  const name = isRecord(error) ? error.name : undefined;
  const timedOut = name === 'TimeoutError' || name === 'AbortError';
  return timedOut
    ? { kind: 'transient', errorCode: 'timeout', errorMessage: 'provider did not answer in time', retryAfterMs: null }
    : { kind: 'transient', errorCode: 'provider_unavailable', errorMessage: `could not reach the provider (${networkCauseOf(error)})`, retryAfterMs: null };
}

/** `Retry-After` as delta-seconds or an HTTP date, in milliseconds from `now`; null when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | null {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

function isSlackFailure(body: unknown): boolean {
  return isRecord(body) && body.ok === false;
}

/** `error` (RFC 6749, Slack), Dropbox's `error['.tag']`, or Notion's `code`. */
function errorCodeOf(body: unknown): unknown {
  if (!isRecord(body)) return undefined;
  if (typeof body.error === 'string') return body.error;
  if (isRecord(body.error) && typeof body.error['.tag'] === 'string') return body.error['.tag'];
  return body.code;
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
