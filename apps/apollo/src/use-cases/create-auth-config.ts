import { lookup } from 'node:dns/promises';
import { newId, ValidationError, type FieldIssue } from '@at/common';
import {
  authConfigParametersOf,
  catalogEntries,
  discoverServerMetadata,
  EgressDeniedError,
  egressRefusalOf,
  endpointTemplatesOf,
  fillEndpoint,
  placeholderValueProblem,
  placeholdersOf,
  toolkitEntry,
  vetDestination,
  type EgressPolicy,
  type Resolver,
} from '@at/providers';
import type { ProjectCaller } from '../auth/authenticators';
import type { ApolloContext } from '../context';
import { insertAuthConfig, type AuthConfigRecord } from '../repositories/auth-configs';
import { connectCallOptions } from './connect/connect-call-options';

/**
 * Toolkits whose OAuth revocation authenticates the client (the catalog's revocation `auth` is
 * client_secret_basic or client_secret_post: RFC 7009 servers, GitHub, Notion, ...).
 */
export const TOOLKITS_REVOKING_WITH_CLIENT_AUTH: ReadonlySet<string> = new Set(
  catalogEntries()
    .filter((e) => {
      const revocation = e.revocations.oauth2;
      return revocation !== undefined && revocation.style !== 'none' && (revocation.auth === 'client_secret_basic' || revocation.auth === 'client_secret_post');
    })
    .map((e) => e.slug),
);

export type AuthConfigInput = {
  toolkit: string;
  authScheme: 'oauth2' | 'api_key';
  clientId?: string | undefined;
  clientSecret?: string | undefined;
  revocationEndpoint?: string | undefined;
  tokenEndpoint?: string | undefined;
  tokenEndpointAuthMethod?: 'client_secret_basic' | 'client_secret_post' | undefined;
  /** The authorization side (hosted connect). */
  issuer?: string | undefined;
  authorizationEndpoint?: string | undefined;
  scopes?: string[] | undefined;
  authorizeParams?: Record<string, string> | undefined;
  /** Per-tenant values for the toolkit's endpoint placeholders. */
  parameters?: Record<string, string> | undefined;
};

const AUTHORIZATION_FIELDS = [
  ['issuer', 'body.issuer'],
  ['authorizationEndpoint', 'body.authorization_endpoint'],
  ['scopes', 'body.scopes'],
  ['authorizeParams', 'body.authorize_params'],
] as const;

/** Rules across fields, reported all at once under the body's field names. */
export function authConfigIssues(input: AuthConfigInput): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const entry = toolkitEntry(input.toolkit);
  if (entry && !entry.authSchemes.includes(input.authScheme)) {
    issues.push({ path: 'body.auth_scheme', message: `toolkit ${input.toolkit} supports ${entry.authSchemes.join(', ')}` });
  }
  // with an issuer, the revocation endpoint may come from its metadata (checked once it is fetched)
  if (entry?.requiresRevocationEndpoint && input.revocationEndpoint === undefined && input.issuer === undefined) {
    issues.push({ path: 'body.revocation_endpoint', message: `required for toolkit ${input.toolkit}` });
  }
  if (input.authScheme === 'api_key') {
    if (input.clientId !== undefined) issues.push({ path: 'body.client_id', message: 'only for auth_scheme oauth2' });
    if (input.clientSecret !== undefined) issues.push({ path: 'body.client_secret', message: 'only for auth_scheme oauth2' });
    if (input.tokenEndpoint !== undefined) issues.push({ path: 'body.token_endpoint', message: 'only for auth_scheme oauth2' });
    if (input.tokenEndpointAuthMethod !== undefined) issues.push({ path: 'body.token_endpoint_auth_method', message: 'only for auth_scheme oauth2' });
    for (const [field, path] of AUTHORIZATION_FIELDS) if (input[field] !== undefined) issues.push({ path, message: 'only for auth_scheme oauth2' });
  } else if (TOOLKITS_REVOKING_WITH_CLIENT_AUTH.has(input.toolkit)) {
    const why = `required for toolkit ${input.toolkit}: its revocation authenticates the OAuth client`;
    if (input.clientId === undefined) issues.push({ path: 'body.client_id', message: why });
    if (input.clientSecret === undefined) issues.push({ path: 'body.client_secret', message: why });
  }
  issues.push(...parameterIssues(input));
  return issues;
}

/**
 * The auth config's per-tenant values against its toolkit's catalog entry: exactly the ones the
 * endpoints of its auth scheme need (a missing one would fail every connect, refresh and revoke
 * later), each one fit for where it goes (a host value is a host name, never a scheme, port or
 * path: it can add labels to the provider's host, not move it).
 */
function parameterIssues(input: AuthConfigInput): FieldIssue[] {
  const entry = toolkitEntry(input.toolkit);
  if (!entry || !entry.authSchemes.includes(input.authScheme)) return [];
  const wanted = authConfigParametersOf(entry, input.authScheme);
  const given = input.parameters ?? {};
  const issues: FieldIssue[] = [];
  const names = new Set(wanted.map((p) => p.name));
  for (const name of Object.keys(given)) {
    if (!names.has(name)) issues.push({ path: `body.parameters.${name}`, message: wanted.length === 0 ? `toolkit ${input.toolkit} takes no parameters` : `toolkit ${input.toolkit} takes ${[...names].join(', ')}` });
  }
  for (const parameter of wanted) {
    const value = given[parameter.name];
    if (value === undefined) {
      issues.push({ path: `body.parameters.${parameter.name}`, message: `required for toolkit ${input.toolkit}: ${parameter.description}` });
      continue;
    }
    for (const [, template] of endpointTemplatesOf(entry, input.authScheme)) {
      if (!placeholdersOf(template).includes(parameter.name)) continue;
      const problem = placeholderValueProblem(template, parameter.name, value);
      if (problem) {
        issues.push({ path: `body.parameters.${parameter.name}`, message: problem });
        break;
      }
    }
  }
  return issues;
}

/**
 * The catalog endpoints that secrets go to (token, revocation, confirmation), filled with the
 * auth config's values and moved where the deployment moves them (PROVIDER_BASE_URLS), each
 * with the parameter it was filled from: checked against the egress policy like an endpoint
 * given directly. Endpoints without placeholders are the catalog's own and are not re-checked.
 */
function filledCatalogEndpoints(input: AuthConfigInput, baseUrls: Partial<Record<string, string>>): Array<[string, string]> {
  const entry = toolkitEntry(input.toolkit);
  if (!entry || input.parameters === undefined) return [];
  const values = { ...input.parameters, ...(input.clientId ? { client_id: input.clientId } : {}) };
  const found: Array<[string, string]> = [];
  for (const [role, template] of endpointTemplatesOf(entry, input.authScheme)) {
    // the browser goes to the authorization endpoint: no secret does
    if (role === 'authorization') continue;
    const names = placeholdersOf(template).filter((n) => n !== 'client_id');
    if (names.length === 0) continue;
    const base = role === 'token' ? (baseUrls[`${entry.slug}.token`] ?? baseUrls[entry.slug]) : baseUrls[entry.slug];
    const filled = fillEndpoint(template, values, base);
    if (filled.ok) found.push([`body.parameters.${names[0] as string}`, filled.url]);
  }
  return found;
}

// a create request should not wait long on DNS: thermos checks again at every call anyway
const RESOLVE_TIMEOUT_MS = 2_000;

const boundedResolver: Resolver = (hostname) =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(Object.assign(new Error('DNS lookup timed out'), { code: 'ETIMEOUT' })), RESOLVE_TIMEOUT_MS);
    lookup(hostname, { all: true, verbatim: true }).then(
      (addresses) => (clearTimeout(timer), resolve(addresses)),
      (error: unknown) => (clearTimeout(timer), reject(error)),
    );
  });

/**
 * The egress policy applied at every call (thermos's revocations, every refresh), applied now
 * to a revocation or token endpoint so a tenant learns at once:
 * the URL (scheme, literal address) and what its host resolves to today. A name that does not
 * resolve (yet), or a slow resolver, is accepted: DNS can change, and the call-time check is
 * the one that protects.
 */
export async function endpointIssues(path: string, endpoint: string, policy: EgressPolicy, resolver: Resolver = boundedResolver): Promise<FieldIssue[]> {
  const url = new URL(endpoint);
  const refusal = egressRefusalOf(url, policy);
  if (refusal) return [{ path, message: `not allowed: ${refusal}` }];
  try {
    await vetDestination(url, policy, resolver);
  } catch (error) {
    if (error instanceof EgressDeniedError) return [{ path, message: `not allowed: ${error.message.replace(/^egress policy refused the endpoint: /, '')}` }];
  }
  return [];
}

/** Creates an auth config in the caller's project; the client secret is sealed to the config's id. */
export async function createAuthConfig(ctx: ApolloContext, caller: ProjectCaller, input: AuthConfigInput): Promise<AuthConfigRecord> {
  const issues = authConfigIssues(input);
  const policy = { allowedHosts: ctx.env.PROVIDER_ALLOWED_HOSTS, allowInsecureLoopback: ctx.env.PROVIDER_ALLOW_INSECURE_LOOPBACK };
  // both endpoints are where a secret goes (a token to revoke, a refresh token and client secret)
  const endpoints = [
    ['body.revocation_endpoint', input.revocationEndpoint],
    ['body.token_endpoint', input.tokenEndpoint],
    // the metadata is fetched from it, and names where the code exchange sends the client secret
    ['body.issuer', input.issuer],
  ] as const;
  for (const [path, endpoint] of [...endpoints, ...(issues.length === 0 ? filledCatalogEndpoints(input, ctx.env.PROVIDER_BASE_URLS) : [])]) {
    if (endpoint !== undefined) issues.push(...(await endpointIssues(path, endpoint, policy)));
  }
  if (issues.length > 0) throw new ValidationError('invalid auth config', issues);
  const discovered = input.issuer === undefined ? undefined : await metadataOf(ctx, input.issuer);
  if (discovered) {
    // what the metadata names is where secrets will go: a public issuer naming a private token
    // endpoint is refused like a private token endpoint given directly
    const named = [discovered.tokenEndpoint, discovered.revocationEndpoint, discovered.parEndpoint, discovered.userinfoEndpoint].filter((e): e is string => e !== undefined);
    for (const endpoint of named) issues.push(...(await endpointIssues('body.issuer', endpoint, policy)).map((issue) => ({ ...issue, message: `the issuer's metadata names ${endpoint}: ${issue.message}` })));
    if (issues.length > 0) throw new ValidationError('invalid auth config', issues);
  }
  const revocationEndpoint = input.revocationEndpoint ?? discovered?.revocationEndpoint;
  if (toolkitEntry(input.toolkit)?.requiresRevocationEndpoint && revocationEndpoint === undefined) {
    throw new ValidationError('invalid auth config', [{ path: 'body.revocation_endpoint', message: `required for toolkit ${input.toolkit} (the issuer's metadata names none)` }]);
  }
  const id = newId('ac');
  return insertAuthConfig(ctx.db, {
    id,
    orgId: caller.orgId,
    projectId: caller.projectId,
    toolkit: input.toolkit,
    authScheme: input.authScheme,
    clientId: input.clientId ?? null,
    clientSecretSealed: input.clientSecret === undefined ? null : ctx.vault.sealJson(input.clientSecret, id),
    revocationEndpoint: revocationEndpoint ?? null,
    tokenEndpoint: input.tokenEndpoint ?? discovered?.tokenEndpoint ?? null,
    tokenEndpointAuthMethod: input.tokenEndpointAuthMethod ?? 'client_secret_basic',
    issuer: input.issuer ?? null,
    authorizationEndpoint: input.authorizationEndpoint ?? discovered?.authorizationEndpoint ?? null,
    parEndpoint: discovered?.parEndpoint ?? null,
    userinfoEndpoint: discovered?.userinfoEndpoint ?? null,
    issParameterSupported: discovered?.issParameterSupported ?? false,
    scopes: input.scopes ?? [],
    authorizeParams: input.authorizeParams ?? null,
    parameters: input.parameters ?? null,
  });
}

/**
 * The issuer's RFC 8414 / OIDC metadata, fetched once when the auth config is created (its
 * endpoints are stored, so a connect costs no discovery call). A server that cannot be read, or
 * that does not offer PKCE S256 when it lists its methods, is refused now rather than at the
 * first end user's consent.
 */
async function metadataOf(ctx: ApolloContext, issuer: string) {
  const found = await discoverServerMetadata(issuer, connectCallOptions(ctx));
  if (found.kind === 'failed') throw new ValidationError('the issuer could not be used', [{ path: 'body.issuer', message: `${found.errorMessage} (${found.errorCode})` }]);
  const methods = found.metadata.codeChallengeMethods;
  if (methods !== undefined && !methods.includes('S256')) {
    throw new ValidationError('the issuer could not be used', [{ path: 'body.issuer', message: 'the server does not support PKCE with S256' }]);
  }
  return found.metadata;
}
