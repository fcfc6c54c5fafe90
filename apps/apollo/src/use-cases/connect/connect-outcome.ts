/** What a connect page request comes to; the site turns it into HTML or a redirect. */
export type ConnectOutcome =
  /** Nothing to send the end user back to (unknown link or state, a replay, another browser): an error page. */
  | { kind: 'refused'; status: 400 | 403 | 404 | 410; code: RefusalCode; message: string }
  /** A redirect: to the provider's consent, or back to the platform's redirect_uri. */
  | { kind: 'redirect'; location: string; cookies?: string[] }
  | { kind: 'api_key_form'; toolkit: string; csrfToken: string; formTargets: string[]; cookies: string[] };

export type RefusalCode = 'invalid_link' | 'link_used' | 'expired' | 'invalid_state' | 'browser_mismatch' | 'csrf_token_invalid' | 'invalid_api_key' | 'unavailable';

/** Codes a session fails with, sent to redirect_uri as `error` and shown by GET connect_sessions/{id}. */
export type ConnectErrorCode =
  | 'access_denied'
  | 'provider_error'
  | 'issuer_mismatch'
  | 'token_exchange_failed'
  | 'subject_unavailable'
  | 'account_mismatch'
  | 'connection_revoked'
  | 'connection_not_found'
  | 'auth_config_deleted'
  | 'project_deleted'
  | 'expired';

export const refused = (status: 400 | 403 | 404 | 410, code: RefusalCode, message: string): ConnectOutcome => ({ kind: 'refused', status, code, message });

export const REFUSALS = {
  invalidLink: refused(404, 'invalid_link', 'This connect link is not valid.'),
  linkUsed: refused(410, 'link_used', 'This connect link has already been used.'),
  expired: refused(410, 'expired', 'This connect link has expired.'),
  invalidState: refused(400, 'invalid_state', 'This sign-in response is unknown or was already used; nothing was connected.'),
  browserMismatch: refused(400, 'browser_mismatch', 'This sign-in was started in another browser; nothing was connected. Open the link again in this browser.'),
} as const;

/** `redirect_uri?status=error&error=<code>`, keeping the URI's own query. */
export function errorRedirect(redirectUri: string, error: ConnectErrorCode): ConnectOutcome {
  const url = new URL(redirectUri);
  url.searchParams.set('status', 'error');
  url.searchParams.set('error', error);
  return { kind: 'redirect', location: url.toString() };
}

export function successRedirect(redirectUri: string, connectedAccountId: string): ConnectOutcome {
  const url = new URL(redirectUri);
  url.searchParams.set('status', 'success');
  url.searchParams.set('connected_account_id', connectedAccountId);
  return { kind: 'redirect', location: url.toString() };
}
