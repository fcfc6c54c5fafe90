/**
 * The one true outcome the revoker records for each hostile answer of the test
 * stack's provider server (packages/devstack/src/provider-server/hostile.ts), for an RFC 7009 auth
 * config whose connections hold a refresh and an access token. Shared by the provider-level and
 * the end-to-end suites.
 */
import type { HostileShape } from '@at/devstack';

export type HostileExpectation = { outcome: 'revoked' | 'already_revoked' | 'unsupported_by_provider' | 'failed'; errorCode?: string; providerWide?: boolean };

/** The one true outcome of each shape (RFC 7009 adapter: refresh token first, then access). */
export const HOSTILE_EXPECTATIONS: Record<HostileShape, HostileExpectation> = {
  nul_in_description: { outcome: 'failed', errorCode: 'invalid_request' },
  nul_in_error_code: { outcome: 'failed', errorCode: 'http_400' },
  lone_surrogate: { outcome: 'failed', errorCode: 'invalid_request' },
  invalid_utf8: { outcome: 'failed', errorCode: 'invalid_request' },
  control_characters: { outcome: 'failed', errorCode: 'invalid_request' },
  secret_echo: { outcome: 'failed', errorCode: 'http_400' },
  huge_body: { outcome: 'failed', errorCode: 'http_400' },
  endless_body: { outcome: 'failed', errorCode: 'unexpected_response' },
  slow_body: { outcome: 'failed', errorCode: 'timeout' },
  no_answer: { outcome: 'failed', errorCode: 'timeout' },
  redirect: { outcome: 'failed', errorCode: 'provider_redirect', providerWide: true },
  redirect_permanent: { outcome: 'failed', errorCode: 'provider_redirect', providerWide: true },
  html_error_page: { outcome: 'failed', errorCode: 'http_400' },
  html_server_error: { outcome: 'failed', errorCode: 'provider_unavailable' },
  html_on_200: { outcome: 'failed', errorCode: 'unexpected_response' },
  error_on_200: { outcome: 'failed', errorCode: 'invalid_request' },
  // a 2xx is classified by the error it carries, like any other answer
  dead_token_on_200: { outcome: 'already_revoked' },
  binary_on_200: { outcome: 'failed', errorCode: 'unexpected_response' },
  gzip_bomb: { outcome: 'failed', errorCode: 'unexpected_response' },
  close_mid_body: { outcome: 'failed', errorCode: 'provider_unavailable' },
  reset: { outcome: 'failed', errorCode: 'provider_unavailable' },
  informational_only: { outcome: 'failed', errorCode: 'timeout' },
  unknown_status: { outcome: 'failed', errorCode: 'provider_bad_status' },
  not_http: { outcome: 'failed', errorCode: 'provider_protocol_error' },
  header_overflow: { outcome: 'failed', errorCode: 'provider_protocol_error' },
  retry_after_forever: { outcome: 'failed', errorCode: 'rate_limited' },
  deep_json: { outcome: 'failed', errorCode: 'http_400' },
  json_wrong_types: { outcome: 'failed', errorCode: 'http_400' },
};
