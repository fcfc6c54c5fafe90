import type { EgressPolicy, Resolver } from './egress';
export type { ProviderCatalogEntry, RevocationStyle } from './catalog';

/** The public vocabulary of @at/providers: what a caller hands in and what it gets back. */
export type OAuthCredential = { type: 'oauth2'; access_token: string; refresh_token?: string; expires_at?: string /* ISO */; token_type?: string };
export type ApiKeyCredential = { type: 'api_key'; api_key: string };
export type Credential = OAuthCredential | ApiKeyCredential;

/** The provider app (auth config) the credential was issued to. */
export type ClientConfig = {
  clientId?: string;
  clientSecret?: string;
  revocationEndpoint?: string;
  /** The auth config's token endpoint: where refreshes go (the refresh client, and adapters that refresh to revoke), before the catalog's. */
  tokenEndpoint?: string;
  /**
   * The auth config's per-tenant values (its `parameters`: okta_domain, shop, subdomain ...):
   * they fill the `{placeholders}` of the catalog's authorization, token and revocation endpoints.
   */
  parameters?: Readonly<Record<string, string>>;
};

export type RevokeRequest = {
  toolkit: string;
  authScheme: 'oauth2' | 'api_key';
  client: ClientConfig;
  credential: Credential;
  /**
   * The per-tenant values the toolkit's catalog entry declares (`parameters`): those of the auth
   * config and those of the connected account, by name (e.g. `subdomain`, `shop`).
   */
  parameters?: Readonly<Record<string, string>>;
  /**
   * Who shares a rate ceiling fairly with others (the run id): callers with different shares
   * waiting on one ceiling are served in turn, however many requests each has waiting.
   */
  share?: string;
  /**
   * Called when a refresh issued a new token pair, before it is used: the old refresh token is
   * spent, so the new pair must be stored (sealed) or it would stay live upstream with no copy
   * of it anywhere. If this rejects, the revoker revokes the new pair at once (best effort).
   */
  onRotated?: (credential: OAuthCredential) => Promise<void>;
  /**
   * Awaited right before every request leaves (after its rate slot, so a pause lifted late does
   * not burst): the kill switches hold the call here. `sent` counts the requests already sent for
   * this revocation. Answering `stop` ends the revocation failed (`paused`) without sending.
   */
  beforeSend?: (sent: number) => Promise<'send' | 'stop'>;
};

/** What died: OAuth tokens, or an API key that deleted itself. */
export type TokenKind = 'access' | 'refresh' | 'api_key';

/** `attempts` counts HTTP requests sent to the provider, retries and refreshes included. */
export type RevokeResult =
  | { outcome: 'revoked'; revokedTokens: TokenKind[]; attempts: number }
  | { outcome: 'already_revoked'; revokedTokens: TokenKind[]; attempts: number }
  | { outcome: 'unsupported_by_provider'; reason: string; attempts: 0 }
  | { outcome: 'failed'; errorCode: string; errorMessage: string; providerWide: boolean; attempts: number };

/**
 * Comes with a slot: the caller calls `answered()` when the provider's answer to the request
 * that used the slot arrived. The time from the slot to the answer bounds how late the request
 * can have reached the provider, so its spread is the jitter the limiter's margin must absorb.
 */
export type SlotTicket = { answered(): void };

export interface RateLimiter {
  /**
   * Resolves when the caller may send one request to `providerKey` (with a ticket, when the
   * limiter wants to hear when it goes); rejects with `signal.reason` on abort. Callers of
   * different `share`s waiting on one key are served in turn.
   */
  acquire(providerKey: string, ceilingPerSecond: number, signal?: AbortSignal, share?: string): Promise<SlotTicket | void>;
}

export type RevokerOptions = {
  /**
   * Overrides where a catalog provider's endpoints live, by slug (tests point these at loopback
   * servers): the override's origin and path prefix replace the endpoint's scheme and host, its
   * path is kept. `<slug>.token` overrides the token endpoint alone, which otherwise follows `<slug>`.
   */
  baseUrls?: Partial<Record<string, string>>;
  /** Per HTTP attempt: DNS, connect, headers and the whole body. */
  timeoutMs?: number;
  /** Where calls may go; by default https to public addresses only (see egress.ts). */
  egress?: EgressPolicy;
  /** Host name resolution (tests substitute one); node's dns.lookup by default. */
  resolver?: Resolver;
  retry?: { maxAttempts?: number; maxDelayMs?: number; budgetMs?: number };
  rateLimiter?: RateLimiter;
  /**
   * Overrides the catalog's revocation ceiling, by rate key (`github:<client id>`,
   * `oauth2:<origin>:<client id>`), by `oauth2:<origin>` for every app of one RFC 7009 server,
   * or by slug for every app of a provider; the most specific wins.
   */
  ceilings?: Partial<Record<string, number>>;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
};

export type Revoker = { revoke(req: RevokeRequest, signal?: AbortSignal): Promise<RevokeResult> };
