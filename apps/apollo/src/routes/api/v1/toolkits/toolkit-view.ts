import { z } from 'zod';
import type { ProviderCatalogEntry } from '@at/providers';

const AUTH_SCHEMES = ['oauth2', 'api_key'] as const;
const lifetime = z.union([z.number().int(), z.literal('never')]).nullable().describe("seconds, 'never', or null when the provider does not publish it");

const revocationView = z.object({
  supported: z.boolean().describe('whether a call at the provider revokes the credential'),
  style: z.string().describe('rfc7009 (generic), a code adapter named after the provider, or none'),
  revokes: z.enum(['token', 'grant', 'installation', 'key']).nullable().describe('what one revocation ends; null when none is supported'),
  reason: z.string().nullable().describe('why the provider cannot revoke (revocation results say unsupported_by_provider with it)'),
  instead: z.string().nullable().describe('what a user or admin must do instead to cut the app off'),
});

const rateLimitView = z.object({
  kind: z.enum(['rate', 'concurrency']),
  limit: z.number(),
  window_seconds: z.number().nullable(),
  unit: z.string().describe('what the ceiling counts: per_app, per_user, per_token, per_account, per_installation, per_ip, per_app_per_account'),
  applies_to: z.string(),
  source: z.string(),
});

/** What the catalog knows of one toolkit: public facts with their documentation links, nothing of any tenant. */
export const toolkitView = z.object({
  slug: z.string(),
  display_name: z.string(),
  docs_url: z.string().nullable(),
  auth_schemes: z.array(z.enum(AUTH_SCHEMES)),
  oauth2: z
    .object({
      issuer: z.string().nullable().describe('RFC 8414 / OIDC issuer, where the provider publishes metadata'),
      authorization_endpoint: z.string().nullable().describe('may hold {placeholders} filled from the auth config (see parameters)'),
      token_endpoint: z.string().nullable(),
      token_endpoint_auth_methods: z.array(z.string()),
      pkce: z.enum(['required', 'supported', 'not_supported']).nullable(),
      scope_separator: z.string().nullable(),
      default_scopes: z.array(z.string()),
      access_token_lifetime_seconds: lifetime,
      refresh_token: z
        .object({ issued: z.enum(['always', 'on_request', 'never']), how: z.string().nullable(), rotates: z.boolean().nullable(), lifetime_seconds: lifetime })
        .nullable(),
    })
    .nullable()
    .describe('null for API-key-only toolkits'),
  api_key: z
    .object({ sent_in: z.enum(['header', 'basic_auth', 'query']), name: z.string(), format: z.string(), management_url: z.string() })
    .nullable()
    .describe('how a request carries the key, and where its owner rotates it'),
  revocation: z.object({ oauth2: revocationView.nullable(), api_key: revocationView.nullable() }),
  parameters: z
    .array(z.object({ name: z.string(), description: z.string(), from: z.enum(['auth_config', 'connected_account', 'credential']), required_on_auth_config: z.boolean() }))
    .describe('per-tenant values the endpoints need; required_on_auth_config: POST /api/v1/auth_configs must name it in parameters'),
  rate_limits: z.array(rateLimitView).describe('published ceilings; empty when the provider publishes none'),
  revocation_ceiling_per_second: z.number().nullable().describe('what our shared limiter holds revoke calls to, per app; null when nothing is called'),
  sources: z.array(z.string()).describe('every documentation page a fact of this toolkit comes from'),
});
export type ToolkitView = z.output<typeof toolkitView>;

type Fact = { source?: string | undefined; sources?: string[] | undefined };

function sourcesOf(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) sourcesOf(item, into);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const fact = value as Fact & Record<string, unknown>;
  if (typeof fact.source === 'string') into.add(fact.source);
  if (Array.isArray(fact.sources)) for (const s of fact.sources) if (typeof s === 'string') into.add(s);
  for (const [key, child] of Object.entries(fact)) if (key !== 'source' && key !== 'sources') sourcesOf(child, into);
}

function revocationOf(entry: ProviderCatalogEntry, scheme: (typeof AUTH_SCHEMES)[number]): z.output<typeof revocationView> | null {
  const revocation = entry.revocations[scheme];
  if (!revocation) return null;
  if (revocation.style === 'none') return { supported: false, style: 'none', revokes: null, reason: revocation.reason, instead: revocation.instead };
  return { supported: true, style: revocation.style, revokes: revocation.revokes, reason: null, instead: null };
}

/** The catalog entry as the API shows it (the built-in `oauth2` toolkit has no data file: its endpoints are the auth config's). */
export function presentToolkit(entry: ProviderCatalogEntry, requiredOnAuthConfig: ReadonlySet<string>): ToolkitView {
  const data = entry.data;
  const oauth = data?.oauth2;
  const key = data?.api_key;
  const sources = new Set<string>();
  if (data) sourcesOf(data, sources);
  const limits = data && Array.isArray(data.rate_limits) ? data.rate_limits : [];
  return {
    slug: entry.slug,
    display_name: entry.displayName,
    docs_url: data?.docs_url.value ?? null,
    auth_schemes: [...entry.authSchemes],
    oauth2: entry.authSchemes.includes('oauth2')
      ? {
          issuer: oauth?.issuer.value ?? null,
          authorization_endpoint: oauth?.authorization_endpoint.value ?? null,
          token_endpoint: oauth?.token_endpoint.value ?? null,
          token_endpoint_auth_methods: oauth ? [...oauth.token_endpoint_auth.value] : ['client_secret_basic', 'client_secret_post'],
          pkce: oauth?.pkce.value ?? null,
          scope_separator: oauth?.scopes.value.separator ?? null,
          default_scopes: oauth ? [...oauth.scopes.value.defaults] : [],
          access_token_lifetime_seconds: oauth?.access_token_lifetime_seconds.value ?? null,
          refresh_token: oauth
            ? {
                issued: oauth.refresh_token.value.issued,
                how: oauth.refresh_token.value.how ?? null,
                rotates: oauth.refresh_token.value.rotates,
                lifetime_seconds: oauth.refresh_token.value.lifetime_seconds,
              }
            : null,
        }
      : null,
    api_key: key ? { sent_in: key.sent_as.value.in, name: key.sent_as.value.name, format: key.sent_as.value.format, management_url: key.management_url.value } : null,
    revocation: { oauth2: revocationOf(entry, 'oauth2'), api_key: revocationOf(entry, 'api_key') },
    parameters: entry.parameters.map((p) => ({ name: p.name, description: p.description, from: p.from, required_on_auth_config: requiredOnAuthConfig.has(p.name) })),
    rate_limits: limits.map((fact) => ({
      kind: fact.value.kind ?? 'rate',
      limit: fact.value.limit,
      window_seconds: 'window_seconds' in fact.value ? fact.value.window_seconds : null,
      unit: fact.value.unit,
      applies_to: fact.value.applies_to,
      source: fact.source ?? fact.sources?.[0] ?? '',
    })),
    revocation_ceiling_per_second: entry.rateLimitPerSecond,
    sources: [...sources].sort(),
  };
}
