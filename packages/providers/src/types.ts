/** The public vocabulary of @at/providers: what a caller hands in and what it gets back. */
export type OAuthCredential = { type: 'oauth2'; access_token: string; refresh_token?: string; expires_at?: string /* ISO */; token_type?: string };
export type ApiKeyCredential = { type: 'api_key'; api_key: string };
export type Credential = OAuthCredential | ApiKeyCredential;

/** The provider app (auth config) the credential was issued to. */
export type ClientConfig = { clientId?: string; clientSecret?: string; revocationEndpoint?: string };

export type RevokeRequest = { toolkit: string; authScheme: 'oauth2' | 'api_key'; client: ClientConfig; credential: Credential };

export type TokenKind = 'access' | 'refresh';

/** `attempts` counts HTTP requests sent to the provider, retries and refreshes included. */
export type RevokeResult =
  | { outcome: 'revoked'; revokedTokens: TokenKind[]; attempts: number }
  | { outcome: 'already_revoked'; revokedTokens: TokenKind[]; attempts: number }
  | { outcome: 'unsupported_by_provider'; reason: string; attempts: 0 }
  | { outcome: 'failed'; errorCode: string; errorMessage: string; providerWide: boolean; attempts: number };

export type RevocationStyle = 'rfc7009' | 'google' | 'github' | 'slack' | 'notion' | 'dropbox' | 'none';

export type ProviderCatalogEntry = {
  slug: string;
  displayName: string;
  revocation: RevocationStyle;
  defaultBaseUrl: string | null;
  /** The provider's published ceiling for the calls we make, across all our workers; null = none. */
  rateLimitPerSecond: number | null;
  requiresRevocationEndpoint: boolean;
  /** Where an expired access token is refreshed, for providers that authenticate revocation with it. */
  tokenEndpointPath?: string;
  unsupportedReason?: string;
};

export interface RateLimiter {
  /** Resolves when the caller may send one request to `providerKey`; rejects with `signal.reason` on abort. */
  acquire(providerKey: string, ceilingPerSecond: number, signal?: AbortSignal): Promise<void>;
}

export type RevokerOptions = {
  /** Overrides a provider's default base URL, by slug (tests point these at loopback servers). */
  baseUrls?: Partial<Record<string, string>>;
  /** Per HTTP attempt, including reading the body. */
  timeoutMs?: number;
  retry?: { maxAttempts?: number; maxDelayMs?: number; budgetMs?: number };
  rateLimiter?: RateLimiter;
  /** Overrides the catalog's rateLimitPerSecond, by provider key or slug. */
  ceilings?: Partial<Record<string, number>>;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
};

export type Revoker = { revoke(req: RevokeRequest, signal?: AbortSignal): Promise<RevokeResult> };
