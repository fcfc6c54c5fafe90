import type { ClientConfig, ProviderCatalogEntry, RevokeRequest } from './types';

/**
 * Every provider we know how to revoke at, and those we know we cannot. Ceilings are the
 * published limits for the calls we make (or a polite default where none is published); they
 * are shared by all workers through the rate limiter and can be overridden per deployment.
 */
export const PROVIDER_CATALOG: Readonly<Record<string, ProviderCatalogEntry>> = Object.freeze({
  oauth2: {
    slug: 'oauth2',
    displayName: 'OAuth 2.0 (RFC 7009)',
    revocation: 'rfc7009',
    defaultBaseUrl: null,
    // unknown servers publish no limit: stay polite per app (origin + client id)
    rateLimitPerSecond: 20,
    rateLimitPer: 'app',
    rateLimitSource: 'none published: a polite default',
    requiresRevocationEndpoint: true,
  },
  google: {
    slug: 'google',
    displayName: 'Google',
    revocation: 'google',
    defaultBaseUrl: 'https://oauth2.googleapis.com',
    rateLimitPerSecond: 10,
    // no limit is published for revocation; Google's quotas belong to the project that owns the OAuth client
    rateLimitPer: 'app',
    rateLimitSource: 'none published for revocation: a polite default, per OAuth client',
    requiresRevocationEndpoint: false,
    // https://developers.google.com/identity/protocols/oauth2/web-server#offline
    tokenEndpoint: { path: '/token' },
  },
  github: {
    slug: 'github',
    displayName: 'GitHub',
    revocation: 'github',
    defaultBaseUrl: 'https://api.github.com',
    // an OAuth app authenticated with its client id/secret gets 5,000 requests per hour, per app
    rateLimitPerSecond: 1.3,
    rateLimitPer: 'app',
    rateLimitSource: 'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api',
    requiresRevocationEndpoint: false,
    // GitHub App user tokens expire after 8 hours and are refreshed on github.com, not the API host
    // (https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/refreshing-user-access-tokens)
    tokenEndpoint: { baseUrl: 'https://github.com', path: '/login/oauth/access_token' },
  },
  slack: {
    slug: 'slack',
    displayName: 'Slack',
    revocation: 'slack',
    defaultBaseUrl: 'https://slack.com',
    // auth.revoke is Web API tier 3: 50+ requests per minute, per method per workspace per app
    // (per app is the conservative reading: one app may span many workspaces)
    rateLimitPerSecond: 0.8,
    rateLimitPer: 'app',
    rateLimitSource: 'https://docs.slack.dev/apis/web-api/rate-limits',
    requiresRevocationEndpoint: false,
    // token rotation (https://docs.slack.dev/authentication/using-token-rotation)
    tokenEndpoint: { path: '/api/oauth.v2.access' },
  },
  notion: {
    slug: 'notion',
    displayName: 'Notion',
    revocation: 'notion',
    defaultBaseUrl: 'https://api.notion.com',
    // Notion's documented average rate limit, per integration
    rateLimitPerSecond: 3,
    rateLimitPer: 'app',
    rateLimitSource: 'https://developers.notion.com/reference/request-limits',
    requiresRevocationEndpoint: false,
  },
  dropbox: {
    slug: 'dropbox',
    displayName: 'Dropbox',
    revocation: 'dropbox',
    defaultBaseUrl: 'https://api.dropboxapi.com',
    // no number is published; Dropbox's 429 "can trigger on a per-app or per-user basis", so per app
    rateLimitPerSecond: 10,
    rateLimitPer: 'app',
    rateLimitSource: 'https://www.dropbox.com/developers/documentation/http/documentation (errors: 429)',
    requiresRevocationEndpoint: false,
    tokenEndpoint: { path: '/oauth2/token' },
  },
  microsoft: {
    slug: 'microsoft',
    displayName: 'Microsoft',
    revocation: 'none',
    defaultBaseUrl: null,
    rateLimitPerSecond: null,
    rateLimitPer: 'provider',
    rateLimitSource: 'no revocation calls are made',
    requiresRevocationEndpoint: false,
    unsupportedReason: 'Microsoft identity platform has no per-application token revocation endpoint; the credential is destroyed locally only',
  },
  atlassian: {
    slug: 'atlassian',
    displayName: 'Atlassian',
    revocation: 'none',
    defaultBaseUrl: null,
    rateLimitPerSecond: null,
    rateLimitPer: 'provider',
    rateLimitSource: 'no revocation calls are made',
    requiresRevocationEndpoint: false,
    unsupportedReason: 'Atlassian has no OAuth token revocation endpoint; the credential is destroyed locally only',
  },
} satisfies Record<string, ProviderCatalogEntry>);

export function isKnownToolkit(slug: string): boolean {
  return Object.hasOwn(PROVIDER_CATALOG, slug);
}

/**
 * The catalog entry that governs a toolkit. A toolkit we have no adapter for, whose auth config
 * names a revocation endpoint, is revoked as generic RFC 7009.
 */
export function catalogEntryFor(toolkit: string, client: ClientConfig): ProviderCatalogEntry | undefined {
  if (isKnownToolkit(toolkit)) return PROVIDER_CATALOG[toolkit];
  return client.revocationEndpoint ? PROVIDER_CATALOG.oauth2 : undefined;
}

/**
 * The unit a rate ceiling applies to, most specific first: what the provider limits (for a
 * per-app limit `<slug>:<client id>`; for generic RFC 7009 `oauth2:<origin>:<client id>`),
 * then the broader keys an operator override may name (`oauth2:<origin>`, then the slug). The
 * first is the key the limiter counts under; the rest only look up the ceiling.
 */
export function rateKeysOf(req: Pick<RevokeRequest, 'toolkit' | 'client'>): string[] {
  const entry = catalogEntryFor(req.toolkit, req.client);
  const clientId = req.client.clientId;
  const appScoped = entry?.rateLimitPer === 'app' && clientId !== undefined && clientId !== '';
  if (entry?.revocation === 'rfc7009') {
    const origin = originOf(req.client.revocationEndpoint);
    const base = origin ? `oauth2:${origin}` : 'oauth2';
    const keys = appScoped ? [`${base}:${clientId}`, base] : [base];
    return unique([...keys, req.toolkit, 'oauth2']);
  }
  const slug = entry?.slug ?? req.toolkit;
  return unique([...(appScoped ? [`${slug}:${clientId}`] : []), req.toolkit, slug]);
}

/** The key the shared limiter counts a request under (see rateKeysOf). */
export function providerKeyOf(req: Pick<RevokeRequest, 'toolkit' | 'client'>): string {
  return rateKeysOf(req)[0] as string;
}

function unique(keys: string[]): string[] {
  return [...new Set(keys)];
}

function originOf(url: string | undefined): string | undefined {
  if (!url || !URL.canParse(url)) return undefined;
  return new URL(url).origin;
}
