import { z } from 'zod';

/**
 * The shape of one provider file in packages/providers/catalog/<slug>.json. Every fact carries
 * the provider documentation it comes from, so a reader (and the generated docs/providers.md)
 * can check it; a fact the provider does not publish says so with `value: null` and a note.
 */

// Provider documentation only: https, a real host, no credentials in the URL.
const sourceUrl = z
  .string()
  .refine((value) => {
    if (!URL.canParse(value)) return false;
    const url = new URL(value);
    return url.protocol === 'https:' && url.username === '' && url.password === '' && url.hostname.includes('.');
  }, 'must be an https URL of the provider documentation');

/** An endpoint, possibly with `{name}` placeholders declared in the entry's `parameters`. */
const endpointUrl = z
  .string()
  .refine((value) => {
    const filled = value.replaceAll(/\{[a-z][a-z0-9_]*\}/g, 'x');
    return URL.canParse(filled) && new URL(filled).protocol === 'https:';
  }, 'must be an https URL (placeholders like {subdomain} allowed)');

const factMeta = {
  /** A caveat, or for `value: null` why the fact is unknown ("not published"). */
  note: z.string().min(1).optional(),
  /** false: taken from general knowledge, not re-read in the cited page while writing the entry. */
  verified: z.boolean().optional(),
};

/**
 * `{ value, source }` or `{ value, sources: [...] }`, plus an optional note. A null value must
 * carry a note saying why the provider's documentation does not give it.
 */
export function fact<T extends z.ZodType>(value: T) {
  return z
    .strictObject({ value, source: sourceUrl.optional(), sources: z.array(sourceUrl).min(1).optional(), ...factMeta })
    .superRefine((parsed, ctx) => {
      // generic T hides `value` from the inferred type here; the shape is the strict object above
      const f = parsed as { value: unknown; source?: string; sources?: string[]; note?: string };
      if ((f.source === undefined) === (f.sources === undefined)) ctx.addIssue({ code: 'custom', message: 'needs exactly one of "source" or "sources" (the provider documentation it comes from)', path: ['source'] });
      if (f.value === null && f.note === undefined) ctx.addIssue({ code: 'custom', message: 'a null value needs a note saying why (e.g. "not published")', path: ['note'] });
    });
}

export const AUTH_SCHEMES = ['oauth2', 'api_key'] as const;
export type AuthScheme = (typeof AUTH_SCHEMES)[number];

/** How a call proves who the app is (RFC 6749 section 2.3 / RFC 8414 names where they exist). */
export const CLIENT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none'] as const;

/**
 * How revocation is done. `rfc7009` is the generic adapter; the others are code adapters for
 * providers that depart from the RFCs. `none`: the provider offers no revocation.
 */
export const REVOCATION_STYLES = [
  'rfc7009',
  'google',
  'github',
  'slack',
  'notion',
  'dropbox',
  // providers whose revoke call departs from RFC 7009 (a code adapter each)
  'linear',
  'zendesk',
  'shopify',
  'stripe_connect',
  'intuit',
  'miro',
  'zoho',
  'strava',
  // an API key that can delete itself
  'sendgrid',
  'none',
] as const;
export type CatalogRevocationStyle = (typeof REVOCATION_STYLES)[number];

const httpStatus = z.number().int().min(100).max(599);

/** How a revoke call authenticates. */
export const REVOCATION_AUTH = ['client_secret_basic', 'client_secret_post', 'bearer_token', 'api_key', 'none'] as const;

const supportedRevocation = z.strictObject({
  style: z.enum(REVOCATION_STYLES).exclude(['none']),
  method: z.enum(['POST', 'DELETE', 'GET']),
  endpoint: endpointUrl,
  auth: z.enum(REVOCATION_AUTH),
  /** Which token the call is given. */
  token: z.enum(['access_token', 'refresh_token', 'either', 'self', 'none']),
  /** How the call's parameters travel: a form body (RFC 7009), a JSON body, the query string, or none. */
  encoding: z.enum(['form', 'json', 'query', 'none']),
  /** Field names where they differ from RFC 7009's token / client_id / client_secret. */
  fields: z.strictObject({ token: z.string().min(1).optional(), client_id: z.string().min(1).optional(), client_secret: z.string().min(1).optional() }).optional(),
  /** What dies: the one token, or the whole grant (every token of the user's authorization). */
  revokes: z.enum(['token', 'grant', 'installation', 'key']),
  /** How a successful answer looks (status, and body where it matters). */
  success: z.strictObject({ status: z.array(httpStatus).min(1), body: z.string().min(1).optional() }),
  /**
   * A call made with the revoked token afterwards, where the provider's success answer does not
   * prove the token dead (Zendesk): the revocation counts only once this call is refused.
   */
  confirm: z.strictObject({ method: z.literal('GET'), endpoint: endpointUrl }).optional(),
});

const noRevocation = z.strictObject({
  style: z.literal('none'),
  /** Why nothing is called upstream; recorded as the result's reason. */
  reason: z.string().min(10),
  /** What a user or admin must do instead to cut the app off. */
  instead: z.string().min(10),
});

export const revocationSchema = z.discriminatedUnion('style', [noRevocation, supportedRevocation]);
export type CatalogRevocation = z.infer<typeof revocationSchema>;

const errorShape = z.strictObject({
  status: z.array(httpStatus).min(1),
  /** Error codes in the body (`error`, Slack's `error`, Dropbox's `error['.tag']`, ...); may be empty. */
  codes: z.array(z.string().min(1)),
  /** How the answer is shaped when it is not RFC 6749 JSON. */
  body: z.string().min(1).optional(),
});

const rateLimitedShape = errorShape.extend({
  /** The header that says when to come back, or null when the provider sends none. */
  retry_after_header: z.string().min(1).nullable(),
});

const rateUnit = z.enum(['per_app', 'per_user', 'per_token', 'per_account', 'per_installation', 'per_ip', 'per_app_per_account']);

const rateLimit = z.union([
  z.strictObject({
    kind: z.literal('rate').optional(),
    limit: z.number().positive(),
    window_seconds: z.number().positive(),
    /** Who the ceiling counts: the app (client id), one user, one token, one account/workspace, an IP. */
    unit: rateUnit,
    /** Which calls it covers, as the provider words it. */
    applies_to: z.string().min(3),
  }),
  // requests in flight at once, not per window
  z.strictObject({ kind: z.literal('concurrency'), limit: z.number().int().positive(), unit: rateUnit, applies_to: z.string().min(3) }),
]);
export type CatalogRateLimit = z.infer<typeof rateLimit>;

const lifetime = z.union([z.number().int().positive(), z.literal('never'), z.null()]);

const refreshTokens = z.strictObject({
  /** always; only when asked for (scope/parameter/app setting); never. */
  issued: z.enum(['always', 'on_request', 'never']),
  /** How to ask for one, when `on_request`. */
  how: z.string().min(3).optional(),
  /** Whether a refresh returns a new refresh token that replaces the stored one. null = not published. */
  rotates: z.boolean().nullable(),
  /** Whether the replaced refresh token keeps working after a rotation (false: reuse is refused). */
  previous_valid_after_rotation: z.boolean().nullable().optional(),
  /** Absolute lifetime in seconds, 'never', or null when not published. */
  lifetime_seconds: lifetime,
  /** Expiry after this long unused, where the provider has one. */
  idle_lifetime_seconds: lifetime.optional(),
});

export const PARAMETER_SOURCES = ['auth_config', 'connected_account', 'credential'] as const;

const parameter = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9_]*$/),
  description: z.string().min(3),
  /** Where the value comes from: the app's auth config, each connected account, or the credential itself. */
  from: z.enum(PARAMETER_SOURCES),
  /** Where it is used: a `{placeholder}` of an endpoint (default), or a field of the revoke call's body. */
  in: z.enum(['endpoint', 'body']).optional(),
});
export type CatalogParameter = z.infer<typeof parameter>;

const oauth2Section = z.strictObject({
  /** RFC 8414 / OpenID Connect issuer whose metadata can be discovered; null where none is published. */
  issuer: fact(z.string().url().nullable()),
  authorization_endpoint: fact(endpointUrl),
  token_endpoint: fact(endpointUrl),
  /** Client authentication methods the token endpoint accepts. */
  token_endpoint_auth: fact(z.array(z.enum(CLIENT_AUTH_METHODS)).min(1)),
  pkce: fact(z.enum(['required', 'supported', 'not_supported']).nullable()),
  scopes: fact(z.strictObject({ separator: z.enum([' ', ',', '+']), defaults: z.array(z.string().min(1)) })),
  access_token_lifetime_seconds: fact(lifetime),
  refresh_token: fact(refreshTokens),
});

const apiKeySection = z.strictObject({
  /** How each request carries the key. */
  sent_as: fact(z.strictObject({ in: z.enum(['header', 'basic_auth', 'query']), name: z.string().min(1), format: z.string().min(1) })),
  /** Where an owner creates, rotates and deletes keys. */
  management_url: fact(z.string().url()),
});

const errorsSection = z.strictObject({
  dead_token: fact(errorShape.nullable()),
  bad_client: fact(errorShape.nullable()),
  rate_limited: fact(rateLimitedShape.nullable()),
});

export const SLUG = /^[a-z0-9][a-z0-9-]*$/;

export const catalogEntrySchema = z
  .strictObject({
    slug: z.string().regex(SLUG),
    display_name: fact(z.string().min(1)),
    /** Where the provider documents its API for apps. */
    docs_url: fact(z.string().url()),
    auth_schemes: fact(z.array(z.enum(AUTH_SCHEMES)).min(1)),
    /** Per-tenant values that fill `{name}` placeholders in endpoints (shop, subdomain, instance). */
    parameters: z.array(parameter).optional(),
    oauth2: oauth2Section.optional(),
    api_key: apiKeySection.optional(),
    /** Per auth scheme the entry supports. */
    revocation: z.strictObject({ oauth2: fact(revocationSchema).optional(), api_key: fact(revocationSchema).optional() }),
    errors: errorsSection,
    /** Published ceilings, or one null fact saying none is published. */
    rate_limits: z.union([z.array(fact(rateLimit)).min(1), fact(z.null())]),
    /**
     * The ceiling (requests per second, per app) our shared limiter holds revoke calls to:
     * derived from the published ceiling that covers them, or a polite default where none is.
     */
    revocation_ceiling: fact(z.strictObject({ per_second: z.number().positive(), basis: z.enum(['published', 'polite_default']) })).optional(),
    /** Departures from the RFCs the adapter and the test server must reproduce. */
    quirks: z.array(fact(z.string().min(10))).optional(),
  })
  .superRefine((entry, ctx) => {
    const schemes = entry.auth_schemes.value;
    for (const scheme of AUTH_SCHEMES) {
      const has = schemes.includes(scheme);
      if (has && entry[scheme] === undefined) ctx.addIssue({ code: 'custom', message: `auth scheme ${scheme} needs its "${scheme}" section`, path: [scheme] });
      if (!has && entry[scheme] !== undefined) ctx.addIssue({ code: 'custom', message: `"${scheme}" section without ${scheme} in auth_schemes`, path: [scheme] });
      if (has && entry.revocation[scheme] === undefined) ctx.addIssue({ code: 'custom', message: `auth scheme ${scheme} needs revocation.${scheme}`, path: ['revocation', scheme] });
      if (!has && entry.revocation[scheme] !== undefined) ctx.addIssue({ code: 'custom', message: `revocation.${scheme} without ${scheme} in auth_schemes`, path: ['revocation', scheme] });
    }
    const revocable = AUTH_SCHEMES.some((scheme) => {
      const style = entry.revocation[scheme]?.value.style;
      return style !== undefined && style !== 'none';
    });
    if (revocable && entry.revocation_ceiling === undefined) ctx.addIssue({ code: 'custom', message: 'a provider that can revoke needs revocation_ceiling', path: ['revocation_ceiling'] });
    if (revocable && entry.errors.dead_token.value === null) ctx.addIssue({ code: 'custom', message: 'a provider that can revoke needs its dead-token answer', path: ['errors', 'dead_token'] });
    // every {placeholder} used in an endpoint is declared in parameters, and every parameter is used
    const declared = new Set((entry.parameters ?? []).filter((p) => p.in !== 'body').map((p) => p.name));
    const used = new Set<string>();
    const endpoints = [entry.oauth2?.authorization_endpoint.value, entry.oauth2?.token_endpoint.value, ...AUTH_SCHEMES.flatMap((s) => endpointsOf(entry.revocation[s]?.value))];
    for (const endpoint of endpoints) for (const match of endpoint?.matchAll(/\{([a-z][a-z0-9_]*)\}/g) ?? []) used.add(match[1] ?? '');
    for (const name of used) if (!declared.has(name)) ctx.addIssue({ code: 'custom', message: `endpoint placeholder {${name}} is not declared in parameters`, path: ['parameters'] });
    for (const name of declared) if (!used.has(name)) ctx.addIssue({ code: 'custom', message: `parameter ${name} is not used by any endpoint`, path: ['parameters'] });
  });

function endpointsOf(revocation: CatalogRevocation | undefined): string[] {
  if (!revocation || revocation.style === 'none') return [];
  return revocation.confirm ? [revocation.endpoint, revocation.confirm.endpoint] : [revocation.endpoint];
}

export type CatalogEntry = z.infer<typeof catalogEntrySchema>;
export type Fact<T> = { value: T; note?: string; verified?: boolean } & ({ source: string } | { sources: string[] });
