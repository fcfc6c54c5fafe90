import type { ErrorVocabulary } from './classify';
import { fillEndpoint, placeholdersOf, type EndpointValues } from './catalog/endpoints';
import { loadCatalog } from './catalog/load';
import type { AuthScheme, CatalogEntry, CatalogParameter, CatalogRevocation, CatalogRevocationStyle } from './catalog/schema';
import type { ClientConfig, RevokeRequest } from './types';

/*
 * The provider facts the revoke, refresh and connect paths use, read from the declarative
 * catalog (packages/providers/catalog/<slug>.json, validated once at first use) and nothing
 * else. One more toolkit lives here in code: `oauth2`, any RFC 7009 server, whose endpoints
 * come from the auth config.
 */

export type RevocationStyle = CatalogRevocationStyle;
export type SupportedRevocation = Exclude<CatalogRevocation, { style: 'none' }>;
export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post';

/** Where a refresh goes and how the app authenticates there. */
export type TokenFacts = {
  /** The token endpoint, possibly with `{placeholders}` (see parametersOf). */
  endpoint: string;
  /** The client authentication the token endpoint accepts that we can send, preferred first. */
  authMethods: readonly ClientAuthMethod[];
  refreshToken: NonNullable<CatalogEntry['oauth2']>['refresh_token']['value'];
  accessTokenLifetimeSeconds: number | 'never' | null;
};

export type ProviderCatalogEntry = {
  slug: string;
  displayName: string;
  authSchemes: readonly AuthScheme[];
  /** How each auth scheme's credentials are revoked (or why they cannot be). */
  revocations: Readonly<Partial<Record<AuthScheme, CatalogRevocation>>>;
  /** The OAuth revocation style (`none` for API-key-only toolkits). */
  revocation: RevocationStyle;
  /** The ceiling our shared limiter holds revoke calls to, per app, across all workers; null when nothing is called. */
  rateLimitPerSecond: number | null;
  /** What the ceiling applies to: one OAuth app (keyed by slug and client id) or the whole provider. */
  rateLimitPer: 'app' | 'provider';
  rateLimitSource: string;
  /** The `oauth2` toolkit: its revocation endpoint is the auth config's. */
  requiresRevocationEndpoint: boolean;
  unsupportedReason?: string;
  token?: TokenFacts;
  /** Per-tenant values the endpoints (or the revoke call's body) need. */
  parameters: readonly CatalogParameter[];
  vocabulary: ErrorVocabulary;
  /** The catalog file itself (with every source); absent for the built-in `oauth2` toolkit. */
  data?: CatalogEntry;
};

const GENERIC_OAUTH2: ProviderCatalogEntry = Object.freeze({
  slug: 'oauth2',
  displayName: 'OAuth 2.0 (RFC 7009)',
  authSchemes: Object.freeze(['oauth2'] as const),
  revocations: Object.freeze({
    oauth2: Object.freeze({
      style: 'rfc7009',
      method: 'POST',
      // the auth config's revocation_endpoint (requiresRevocationEndpoint)
      endpoint: 'https://revocation-endpoint.invalid/',
      // a confidential client authenticates with Basic; a public one sends client_id alone
      auth: 'client_secret_basic',
      token: 'either',
      encoding: 'form',
      revokes: 'token',
      success: Object.freeze({ status: Object.freeze([200]) }),
    } as SupportedRevocation),
  }),
  revocation: 'rfc7009',
  // unknown servers publish no limit: stay polite per app (origin + client id)
  rateLimitPerSecond: 20,
  rateLimitPer: 'app',
  rateLimitSource: 'none published: a polite default',
  requiresRevocationEndpoint: true,
  parameters: Object.freeze([]),
  vocabulary: Object.freeze({}),
} satisfies ProviderCatalogEntry);

let entries: ReadonlyMap<string, ProviderCatalogEntry> | undefined;

function catalog(): ReadonlyMap<string, ProviderCatalogEntry> {
  entries ??= new Map([[GENERIC_OAUTH2.slug, GENERIC_OAUTH2], ...[...loadCatalog().values()].map((data) => [data.slug, deriveEntry(data)] as const)]);
  return entries;
}

function deriveEntry(data: CatalogEntry): ProviderCatalogEntry {
  const revocations: Partial<Record<AuthScheme, CatalogRevocation>> = {};
  for (const scheme of data.auth_schemes.value) {
    const revocation = data.revocation[scheme]?.value;
    if (revocation) revocations[scheme] = revocation;
  }
  const revocable = Object.values(revocations).some((r) => r.style !== 'none');
  const oauthRevocation = revocations.oauth2;
  const unsupported = Object.values(revocations).find((r) => r.style === 'none');
  const ceiling = data.revocation_ceiling;
  const errors = data.errors;
  const entry: ProviderCatalogEntry = {
    slug: data.slug,
    displayName: data.display_name.value,
    authSchemes: data.auth_schemes.value,
    revocations,
    revocation: oauthRevocation?.style ?? 'none',
    rateLimitPerSecond: revocable && ceiling ? ceiling.value.per_second : null,
    rateLimitPer: revocable ? 'app' : 'provider',
    rateLimitSource: ceiling ? `${ceiling.source ?? ceiling.sources?.[0] ?? ''} (${ceiling.value.basis.replace('_', ' ')})` : 'no revocation calls are made',
    requiresRevocationEndpoint: false,
    ...(unsupported?.style === 'none' ? { unsupportedReason: unsupported.reason } : {}),
    ...(data.oauth2 ? { token: tokenFactsOf(data.oauth2) } : {}),
    parameters: data.parameters ?? [],
    vocabulary: {
      deadToken: errors.dead_token.value?.codes ?? [],
      badClient: errors.bad_client.value?.codes ?? [],
      rateLimited: errors.rate_limited.value?.codes ?? [],
    },
    data,
  };
  return Object.freeze(entry);
}

function tokenFactsOf(oauth2: NonNullable<CatalogEntry['oauth2']>): TokenFacts {
  const methods = oauth2.token_endpoint_auth.value.filter((m): m is ClientAuthMethod => m === 'client_secret_basic' || m === 'client_secret_post');
  return {
    endpoint: oauth2.token_endpoint.value,
    authMethods: methods,
    refreshToken: oauth2.refresh_token.value,
    accessTokenLifetimeSeconds: oauth2.access_token_lifetime_seconds.value,
  };
}

/** Every toolkit: the built-in `oauth2` first, then the catalog's by slug. */
export function catalogEntries(): ProviderCatalogEntry[] {
  return [...catalog().values()];
}

export function isKnownToolkit(slug: string): boolean {
  return catalog().has(slug);
}

/** The entry of a known toolkit. */
export function toolkitEntry(slug: string): ProviderCatalogEntry | undefined {
  return catalog().get(slug);
}

/**
 * The catalog entry that governs a toolkit. A toolkit we know nothing of, whose auth config
 * names a revocation endpoint, is revoked as generic RFC 7009.
 */
export function catalogEntryFor(toolkit: string, client: ClientConfig): ProviderCatalogEntry | undefined {
  return catalog().get(toolkit) ?? (client.revocationEndpoint ? GENERIC_OAUTH2 : undefined);
}

/** How credentials of `scheme` are revoked for this entry; undefined when the entry does not support the scheme. */
export function revocationOf(entry: ProviderCatalogEntry, scheme: AuthScheme): CatalogRevocation | undefined {
  return entry.revocations[scheme];
}

/** Whether a credential of this toolkit and scheme is revoked by a call upstream (never by the oauth2 fallback of an unknown toolkit). */
export function revokesUpstream(slug: string, scheme: AuthScheme): boolean {
  const revocation = catalog().get(slug)?.revocations[scheme];
  return revocation !== undefined && revocation.style !== 'none';
}

/** The parameters of an entry that come from `from`, with whether the revocation of `scheme` needs them. */
export function parametersOf(entry: ProviderCatalogEntry, from: CatalogParameter['from'], scheme: AuthScheme): Array<CatalogParameter & { requiredToRevoke: boolean }> {
  const revocation = entry.revocations[scheme];
  const needed = new Set<string>();
  if (revocation && revocation.style !== 'none') {
    for (const name of placeholdersOf(revocation.endpoint)) needed.add(name);
    if (revocation.confirm) for (const name of placeholdersOf(revocation.confirm.endpoint)) needed.add(name);
  }
  return entry.parameters
    .filter((p) => p.from === from)
    .map((p) => ({ ...p, requiredToRevoke: needed.has(p.name) || (p.in === 'body' && revocation !== undefined && revocation.style !== 'none') }));
}

/**
 * The per-tenant values an auth config of this toolkit must carry (its `parameters`) for
 * `scheme` (every scheme when omitted): the `{placeholders}` of the endpoints that scheme uses
 * (authorization, token and revocation for oauth2; revocation for api_key), but `client_id`
 * (the auth config's own field). Values the catalog says come from each connected account (a
 * Shopify shop, a Zendesk subdomain) are held by the auth config too, one tenant per auth
 * config: connected accounts carry no values of their own yet. Values of the credential itself
 * or of the revoke call's body (SendGrid's key id, Stripe's connected account id) are not the
 * auth config's.
 */
export function authConfigParametersOf(entry: ProviderCatalogEntry, scheme?: AuthScheme): CatalogParameter[] {
  const used = new Set<string>();
  for (const [, template] of endpointTemplatesOf(entry, scheme)) for (const p of placeholdersOf(template)) used.add(p);
  return entry.parameters.filter((p) => p.in !== 'body' && p.from !== 'credential' && p.name !== 'client_id' && used.has(p.name));
}

/** The catalog endpoint templates `scheme` (every scheme when omitted) uses, by role. */
export function endpointTemplatesOf(entry: ProviderCatalogEntry, scheme?: AuthScheme): Array<['authorization' | 'token' | 'revocation' | 'confirm', string]> {
  const templates: Array<['authorization' | 'token' | 'revocation' | 'confirm', string]> = [];
  const oauth = entry.data?.oauth2;
  if (oauth && (scheme === undefined || scheme === 'oauth2')) templates.push(['authorization', oauth.authorization_endpoint.value], ['token', oauth.token_endpoint.value]);
  for (const s of entry.authSchemes) {
    if (scheme !== undefined && s !== scheme) continue;
    const revocation = entry.revocations[s];
    if (!revocation || revocation.style === 'none' || entry.requiresRevocationEndpoint) continue;
    templates.push(['revocation', revocation.endpoint]);
    if (revocation.confirm) templates.push(['confirm', revocation.confirm.endpoint]);
  }
  return templates;
}

/**
 * The URL a refresh of this toolkit goes to: the auth config's own token endpoint when it names
 * one, else the catalog's (its placeholders filled from `parameters`; `client_id` from the
 * client). `baseUrls[slug]` moves it onto another base (a test server, a proxy), as does
 * `baseUrls['<slug>.token']` for the token endpoint alone. Undefined when none is known or a
 * value it needs is missing or unusable.
 */
export function tokenEndpointOf(
  toolkit: string,
  client: ClientConfig & { tokenEndpoint?: string },
  baseUrls: Partial<Record<string, string>> = {},
  parameters: EndpointValues = {},
): string | undefined {
  if (client.tokenEndpoint) return client.tokenEndpoint;
  const entry = catalog().get(toolkit);
  if (!entry?.token) return undefined;
  const filled = fillEndpoint(entry.token.endpoint, valuesOf(client, parameters), baseUrls[`${toolkit}.token`] ?? baseUrls[toolkit]);
  return filled.ok ? filled.url : undefined;
}

/** How the app authenticates at the toolkit's token endpoint (the catalog's first method we can send). */
export function tokenEndpointAuthOf(toolkit: string): ClientAuthMethod | undefined {
  return catalog().get(toolkit)?.token?.authMethods[0];
}

/** Values for endpoint placeholders: the auth config's, the request's (they win), and `client_id` from the client. */
export function valuesOf(client: ClientConfig, parameters: EndpointValues = {}): EndpointValues {
  return { ...client.parameters, ...parameters, ...(client.clientId ? { client_id: client.clientId } : {}) };
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
  if (entry?.requiresRevocationEndpoint) {
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
