import { lookup } from 'node:dns/promises';
import { newId, ValidationError, type FieldIssue } from '@at/common';
import { catalogEntries, EgressDeniedError, egressRefusalOf, toolkitEntry, vetDestination, type EgressPolicy, type Resolver } from '@at/providers';
import type { ProjectCaller } from '../auth/authenticators';
import type { ApolloContext } from '../context';
import { insertAuthConfig, type AuthConfigRecord } from '../repositories/auth-configs';

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
};

/** Rules across fields, reported all at once under the body's field names. */
export function authConfigIssues(input: AuthConfigInput): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const entry = toolkitEntry(input.toolkit);
  if (entry && !entry.authSchemes.includes(input.authScheme)) {
    issues.push({ path: 'body.auth_scheme', message: `toolkit ${input.toolkit} supports ${entry.authSchemes.join(', ')}` });
  }
  if (entry?.requiresRevocationEndpoint && input.revocationEndpoint === undefined) {
    issues.push({ path: 'body.revocation_endpoint', message: `required for toolkit ${input.toolkit}` });
  }
  if (input.authScheme === 'api_key') {
    if (input.clientId !== undefined) issues.push({ path: 'body.client_id', message: 'only for auth_scheme oauth2' });
    if (input.clientSecret !== undefined) issues.push({ path: 'body.client_secret', message: 'only for auth_scheme oauth2' });
  } else if (TOOLKITS_REVOKING_WITH_CLIENT_AUTH.has(input.toolkit)) {
    const why = `required for toolkit ${input.toolkit}: its revocation authenticates the OAuth client`;
    if (input.clientId === undefined) issues.push({ path: 'body.client_id', message: why });
    if (input.clientSecret === undefined) issues.push({ path: 'body.client_secret', message: why });
  }
  return issues;
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
 * The egress policy thermos applies at every call, applied now so a tenant learns at once:
 * the URL (scheme, literal address) and what its host resolves to today. A name that does not
 * resolve (yet), or a slow resolver, is accepted: DNS can change, and the call-time check is
 * the one that protects.
 */
export async function revocationEndpointIssues(endpoint: string, policy: EgressPolicy, resolver: Resolver = boundedResolver): Promise<FieldIssue[]> {
  const url = new URL(endpoint);
  const refusal = egressRefusalOf(url, policy);
  if (refusal) return [{ path: 'body.revocation_endpoint', message: `not allowed: ${refusal}` }];
  try {
    await vetDestination(url, policy, resolver);
  } catch (error) {
    if (error instanceof EgressDeniedError) return [{ path: 'body.revocation_endpoint', message: `not allowed: ${error.message.replace(/^egress policy refused the endpoint: /, '')}` }];
  }
  return [];
}

/** Creates an auth config in the caller's project; the client secret is sealed to the config's id. */
export async function createAuthConfig(ctx: ApolloContext, caller: ProjectCaller, input: AuthConfigInput): Promise<AuthConfigRecord> {
  const issues = authConfigIssues(input);
  if (input.revocationEndpoint !== undefined) {
    const policy = { allowedHosts: ctx.env.PROVIDER_ALLOWED_HOSTS, allowInsecureLoopback: ctx.env.PROVIDER_ALLOW_INSECURE_LOOPBACK };
    issues.push(...(await revocationEndpointIssues(input.revocationEndpoint, policy)));
  }
  if (issues.length > 0) throw new ValidationError('invalid auth config', issues);
  const id = newId('ac');
  return insertAuthConfig(ctx.db, {
    id,
    orgId: caller.orgId,
    projectId: caller.projectId,
    toolkit: input.toolkit,
    authScheme: input.authScheme,
    clientId: input.clientId ?? null,
    clientSecretSealed: input.clientSecret === undefined ? null : ctx.vault.sealJson(input.clientSecret, id),
    revocationEndpoint: input.revocationEndpoint ?? null,
  });
}
