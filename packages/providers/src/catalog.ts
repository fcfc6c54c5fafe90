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
    // unknown servers: stay polite per origin
    rateLimitPerSecond: 20,
    requiresRevocationEndpoint: true,
  },
  google: {
    slug: 'google',
    displayName: 'Google',
    revocation: 'google',
    defaultBaseUrl: 'https://oauth2.googleapis.com',
    rateLimitPerSecond: 10,
    requiresRevocationEndpoint: false,
  },
  github: {
    slug: 'github',
    displayName: 'GitHub',
    revocation: 'github',
    defaultBaseUrl: 'https://api.github.com',
    // an OAuth app authenticated with its client id/secret gets 5,000 requests per hour
    rateLimitPerSecond: 1.3,
    requiresRevocationEndpoint: false,
  },
  slack: {
    slug: 'slack',
    displayName: 'Slack',
    revocation: 'slack',
    defaultBaseUrl: 'https://slack.com',
    // auth.revoke is Web API tier 3: 50+ requests per minute
    rateLimitPerSecond: 0.8,
    requiresRevocationEndpoint: false,
    tokenEndpointPath: '/api/oauth.v2.access',
  },
  notion: {
    slug: 'notion',
    displayName: 'Notion',
    revocation: 'notion',
    defaultBaseUrl: 'https://api.notion.com',
    // Notion's documented average rate limit
    rateLimitPerSecond: 3,
    requiresRevocationEndpoint: false,
  },
  dropbox: {
    slug: 'dropbox',
    displayName: 'Dropbox',
    revocation: 'dropbox',
    defaultBaseUrl: 'https://api.dropboxapi.com',
    rateLimitPerSecond: 10,
    requiresRevocationEndpoint: false,
    tokenEndpointPath: '/oauth2/token',
  },
  microsoft: {
    slug: 'microsoft',
    displayName: 'Microsoft',
    revocation: 'none',
    defaultBaseUrl: null,
    rateLimitPerSecond: null,
    requiresRevocationEndpoint: false,
    unsupportedReason: 'Microsoft identity platform has no per-application token revocation endpoint; the credential is destroyed locally only',
  },
  atlassian: {
    slug: 'atlassian',
    displayName: 'Atlassian',
    revocation: 'none',
    defaultBaseUrl: null,
    rateLimitPerSecond: null,
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

/** The unit a rate ceiling applies to: the slug, or for generic RFC 7009 the endpoint's origin. */
export function providerKeyOf(req: Pick<RevokeRequest, 'toolkit' | 'client'>): string {
  const entry = catalogEntryFor(req.toolkit, req.client);
  if (entry?.revocation !== 'rfc7009') return req.toolkit;
  const origin = originOf(req.client.revocationEndpoint);
  return origin ? `oauth2:${origin}` : 'oauth2';
}

function originOf(url: string | undefined): string | undefined {
  if (!url || !URL.canParse(url)) return undefined;
  return new URL(url).origin;
}
