import { catalogEntryFor, providerKeyOf, rateKeysOf } from '../catalog';
import { classifyNetworkError, classifyResponse, type Classification } from '../classify';
import { FORM, basicAuthorization, formBody } from '../adapters/client-auth';
import { cachingResolver, EgressDeniedError, egressRefusalOf, systemResolver, type EgressPolicy, type Resolver } from '../egress';
import { sendHttp } from '../http';
import { sanitizeMessage } from '../sanitize';
import { abortReason } from '../sleep';
import type { RateLimiter, SlotTicket } from '../types';
import { tokenEndpointOf } from './token-endpoint';
import type { RefreshOptions, RefreshOutcome, RefreshRequest } from './types';

export type RefresherOptions = {
  /** Overrides of provider base URLs by slug (`<slug>.token` for the token endpoint alone). */
  baseUrls?: Partial<Record<string, string>>;
  /** The shared rate limiter: refreshes count against the same ceilings as revocation. */
  rateLimiter?: RateLimiter;
  /** Ceiling overrides (req/s) by rate key, `oauth2:<origin>` or slug, the most specific winning (as the revoker's); 0 removes a ceiling. */
  ceilings?: Partial<Record<string, number>>;
  /** Where calls may go: the revoker's egress policy (https to public addresses unless allowed). */
  egress?: EgressPolicy;
  /** Host name resolution (tests substitute one); node's dns.lookup by default. */
  resolver?: Resolver;
  /** Longest provider call; the attempt's deadline shortens it further. */
  timeoutMs?: number;
};

export type Refresher = {
  /** The rate key a refresh of this app counts against (the same as its revocations'). */
  rateKeyOf(req: Pick<RefreshRequest, 'toolkit' | 'client'>): string;
  /** Waits for a rate-limit slot (for callers that want one before taking a lease); pass its ticket to refresh as `slot`. */
  acquireSlot(req: Pick<RefreshRequest, 'toolkit' | 'client' | 'share'>, signal?: AbortSignal): Promise<SlotTicket | void>;
  refresh(req: RefreshRequest, options: RefreshOptions): Promise<RefreshOutcome>;
};

const DEFAULT_TOKEN_TYPE = 'Bearer';
// an expires_in beyond this is garbage, not a lifetime
const MAX_LIFETIME_S = 10 * 365 * 86_400;

/**
 * The one refresh_token grant (RFC 6749 section 6) of the system: the vend path, refresh ahead
 * and the revocations that refresh first all send it through here, under the shared rate limiter
 * and the one classifier. One attempt, never retried here: a request that timed out may have
 * rotated the refresh token at the provider, and resending the old one would trip its reuse
 * detection (RFC 9700 section 4.14.2) and kill the grant. Only an abort or a failing rate limiter
 * throws; every provider answer becomes a RefreshOutcome whose strings are safe to store.
 */
export function createRefresher(options: RefresherOptions = {}): Refresher {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const resolver = cachingResolver(options.resolver ?? systemResolver);

  // the revoker's rule: the first rate key an override names, else the catalog's ceiling
  function ceilingOf(req: Pick<RefreshRequest, 'toolkit' | 'client'>): number | null {
    for (const key of rateKeysOf(req)) {
      const value = options.ceilings?.[key];
      if (value !== undefined) return value;
    }
    return catalogEntryFor(req.toolkit, req.client)?.rateLimitPerSecond ?? null;
  }

  async function acquireSlot(req: Pick<RefreshRequest, 'toolkit' | 'client' | 'share'>, signal?: AbortSignal): Promise<SlotTicket | void> {
    const ceiling = ceilingOf(req);
    // a ceiling of 0 (set by configuration) means none
    if (!options.rateLimiter || ceiling === null || ceiling <= 0) return;
    return options.rateLimiter.acquire(providerKeyOf(req), ceiling, signal, req.share);
  }

  async function refresh(req: RefreshRequest, { deadlineMs, held, signal }: RefreshOptions): Promise<RefreshOutcome> {
    const startedAt = Date.now();
    const url = tokenEndpointOf(req.toolkit, req.client, options.baseUrls);
    // the provider's own error codes (dead refresh token, bad client), from its catalog entry
    const vocabulary = catalogEntryFor(req.toolkit, req.client)?.vocabulary;
    if (!url) return { kind: 'failed', errorCode: 'missing_token_endpoint', errorMessage: 'no token endpoint is known for this auth config; set token_endpoint', providerWide: true, attempts: 0 };
    if (!URL.canParse(url)) return { kind: 'failed', errorCode: 'invalid_token_endpoint', errorMessage: 'the token endpoint is not a URL', providerWide: true, attempts: 0 };
    // checked again on the resolved address by sendHttp; this catches what needs no DNS, before a slot is taken
    const refusal = egressRefusalOf(new URL(url), options.egress);
    if (refusal) return { kind: 'failed', errorCode: 'egress_denied', errorMessage: `egress policy refused the token endpoint: ${refusal}`, providerWide: true, attempts: 0 };
    const { clientId, clientSecret, tokenEndpointAuthMethod = 'client_secret_basic' } = req.client;
    if (!clientId) return { kind: 'failed', errorCode: 'missing_client_credentials', errorMessage: 'the auth config has no client id, which a refresh needs', providerWide: true, attempts: 0 };
    const secrets = [req.credential.refresh_token, req.credential.access_token, clientSecret].filter((s): s is string => !!s);

    let ticket = held?.ticket;
    if (!held) {
      const waited = AbortSignal.timeout(Math.max(1, deadlineMs));
      try {
        ticket = (await acquireSlot(req, signal ? AbortSignal.any([signal, waited]) : waited)) ?? undefined;
      } catch (error) {
        if (signal?.aborted) throw abortReason(signal);
        if (waited.aborted) return { kind: 'transient', errorCode: 'rate_limited', errorMessage: `no slot under the provider's rate ceiling within ${deadlineMs} ms`, retryAfterMs: null, attempts: 0 };
        throw error;
      }
    }
    const remaining = Math.min(timeoutMs, deadlineMs - (Date.now() - startedAt));
    if (remaining <= 0) return { kind: 'transient', errorCode: 'timeout', errorMessage: 'no time was left to call the provider', retryAfterMs: null, attempts: 0 };

    const fields: Record<string, string> = { grant_type: 'refresh_token', refresh_token: req.credential.refresh_token };
    const headers: Record<string, string> = { 'content-type': FORM };
    if (clientSecret && tokenEndpointAuthMethod === 'client_secret_basic') headers.authorization = basicAuthorization({ id: clientId, secret: clientSecret });
    else {
      // client_secret_post, or a public client that only identifies itself (RFC 6749 section 2.3.1)
      fields.client_id = clientId;
      if (clientSecret) fields.client_secret = clientSecret;
    }

    let classification: Classification;
    let sent = true;
    try {
      const response = await sendHttp({ method: 'POST', url, headers, body: formBody(fields) }, { timeoutMs: remaining, signal, egress: options.egress, resolver });
      ticket?.answered();
      classification = classifyResponse(errorIn2xx(response), { auth: 'client', secrets, ...(vocabulary ? { vocabulary } : {}) });
    } catch (error) {
      if (signal?.aborted) throw abortReason(signal);
      // refused before anything was sent: no attempt
      if (error instanceof EgressDeniedError) sent = false;
      classification = classifyNetworkError(error);
    }
    const outcome = outcomeOf(classification, req, secrets, Date.now());
    return sent || outcome.kind === 'refreshed' || outcome.kind === 'dead' ? outcome : { ...outcome, attempts: 0 };
  }

  return { rateKeyOf: providerKeyOf, acquireSlot, refresh };
}

/** A token endpoint answering 200 with an `error` and no access token (GitHub) is an error answer. */
function errorIn2xx<R extends { status: number; body: unknown }>(response: R): R {
  const body = response.body;
  if (response.status >= 200 && response.status < 300 && isRecord(body) && typeof body.error === 'string' && body.access_token === undefined) {
    return { ...response, status: 400 };
  }
  return response;
}

function outcomeOf(classification: Classification, req: RefreshRequest, secrets: string[], now: number): RefreshOutcome {
  switch (classification.kind) {
    case 'ok':
      return credentialOf(classification.body, req, secrets, now);
    case 'already_revoked':
      return { kind: 'dead', errorCode: classification.errorCode, errorMessage: 'the provider refused the refresh token: the grant is gone', attempts: 1 };
    case 'transient':
      return { kind: 'transient', errorCode: classification.errorCode, errorMessage: sanitizeMessage(classification.errorMessage, secrets), retryAfterMs: classification.retryAfterMs, attempts: 1 };
    case 'failed':
      // a provider's own dead-refresh codes (GitHub's bad_refresh_token) come from its catalog
      // vocabulary as already_revoked; at any other provider such a code proves nothing
      return { kind: 'failed', errorCode: classification.errorCode, errorMessage: sanitizeMessage(classification.errorMessage, secrets), providerWide: classification.providerWide, attempts: 1 };
  }
}

/**
 * The new credential: a new refresh token replaces the old one, an answer without one keeps the
 * old one (RFC 6749 section 6); expires_in becomes an absolute expiry.
 */
function credentialOf(body: unknown, req: RefreshRequest, secrets: string[], now: number): RefreshOutcome {
  const fields = isRecord(body) ? body : {};
  const access = fields.access_token;
  if (typeof access !== 'string' || access === '' || access.length > 16_384) {
    return { kind: 'failed', errorCode: 'invalid_refresh_response', errorMessage: 'the token endpoint answered without a usable access token', providerWide: false, attempts: 1 };
  }
  const newRefresh = typeof fields.refresh_token === 'string' && fields.refresh_token !== '' && fields.refresh_token.length <= 16_384 ? fields.refresh_token : undefined;
  secrets.push(access, ...(newRefresh ? [newRefresh] : []));
  const expiresIn = typeof fields.expires_in === 'number' ? fields.expires_in : typeof fields.expires_in === 'string' ? Number(fields.expires_in) : NaN;
  const tokenType = typeof fields.token_type === 'string' && /^[A-Za-z0-9_-]{1,32}$/.test(fields.token_type) ? fields.token_type : DEFAULT_TOKEN_TYPE;
  return {
    kind: 'refreshed',
    credential: {
      type: 'oauth2',
      access_token: access,
      refresh_token: newRefresh ?? req.credential.refresh_token,
      token_type: tokenType,
      ...(Number.isFinite(expiresIn) && expiresIn > 0 && expiresIn < MAX_LIFETIME_S ? { expires_at: new Date(now + expiresIn * 1000).toISOString() } : {}),
    },
    rotated: newRefresh !== undefined && newRefresh !== req.credential.refresh_token,
    attempts: 1,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
