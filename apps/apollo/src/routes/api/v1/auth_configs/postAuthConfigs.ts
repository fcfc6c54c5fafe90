import { z } from 'zod';
import { defineRoute } from '@at/http';
import { catalogEntries, isKnownToolkit, TOKEN_ENDPOINT_AUTH_METHODS } from '@at/providers';
import type { ApolloContext } from '../../../../context';
import { createAuthConfig, TOOLKITS_REVOKING_WITH_CLIENT_AUTH } from '../../../../use-cases/create-auth-config';
import { isWellFormedText } from '@at/common';
import { oauthSecret, plainText } from '../../../schemas';
import { authConfigView, presentAuthConfig } from './auth-config-view';

const toolkits = catalogEntries().map((e) => e.slug);

/** Parameters of the authorization request apollo owns: an auth config cannot override them. */
const RESERVED_AUTHORIZE_PARAMS: ReadonlySet<string> = new Set(['response_type', 'client_id', 'redirect_uri', 'scope', 'state', 'code_challenge', 'code_challenge_method', 'request_uri', 'request']);

/**
 * Absolute http(s) URL; credentials in it would be a secret stored in a non-secret column, and
 * port 0 is no destination (the URL parser itself refuses ports past 65535).
 */
function isEndpointUrl(value: string): boolean {
  // the URL parser strips or escapes control characters, but the raw string is what is stored:
  // a NUL byte made Postgres fail the insert (a 500)
  if (/\p{Cc}/u.test(value) || !isWellFormedText(value) || !URL.canParse(value)) return false;
  const url = new URL(value);
  return (url.protocol === 'https:' || url.protocol === 'http:') && url.username === '' && url.password === '' && url.port !== '0';
}

export const postAuthConfigsBody = z
  .strictObject({
    toolkit: z
      .string()
      .trim()
      .max(64)
      .refine(isKnownToolkit, `must be a known toolkit (${toolkits.join(', ')})`)
      .describe(`provider slug: ${toolkits.join(', ')} (GET /api/v1/toolkits lists each with its auth schemes)`),
    auth_scheme: z.enum(['oauth2', 'api_key']),
    client_id: plainText(512).optional().describe(`OAuth client id; required with auth_scheme oauth2 for toolkits ${[...TOOLKITS_REVOKING_WITH_CLIENT_AUTH].join(', ')}; not accepted with api_key`),
    client_secret: oauthSecret(4096)
      .optional()
      .describe('OAuth client secret; same rule as client_id. Stored sealed, never returned (see has_client_secret)'),
    revocation_endpoint: z
      .string()
      .trim()
      .max(2048)
      .refine(isEndpointUrl, 'must be an absolute http(s) URL with a port in 1..65535 (or none), without credentials or control characters')
      .optional()
      .describe(
        'RFC 7009 revocation endpoint; required for toolkit oauth2. Must be https to a public address (checked now and at every call): ' +
          'loopback, private, link-local and metadata addresses are refused unless the deployment allowlists the host (PROVIDER_ALLOWED_HOSTS)',
      ),
    token_endpoint: z
      .string()
      .trim()
      .max(2048)
      .refine(isEndpointUrl, 'must be an absolute http(s) URL with a port in 1..65535 (or none), without credentials or control characters')
      .optional()
      .describe(
        "OAuth token endpoint where refresh tokens are exchanged; required for toolkit oauth2 when connections carry a refresh token; overrides a catalog toolkit's built-in one. " +
          'Same egress rule as revocation_endpoint (checked now and at every refresh)',
      ),
    token_endpoint_auth_method: z
      .enum(TOKEN_ENDPOINT_AUTH_METHODS)
      .optional()
      .describe('how the app authenticates at the token endpoint (RFC 6749 2.3.1); default client_secret_basic'),
    issuer: z
      .string()
      .trim()
      .max(2048)
      .refine(isEndpointUrl, 'must be an absolute http(s) URL without credentials or control characters')
      .refine((value) => URL.canParse(value) && new URL(value).search === '' && new URL(value).hash === '', 'must have no query or fragment (RFC 8414)')
      .optional()
      .describe('authorization server issuer: its RFC 8414 / OIDC metadata fills authorization_endpoint, token_endpoint, revocation_endpoint, PAR and the iss check (hosted connect)'),
    authorization_endpoint: z
      .string()
      .trim()
      .max(2048)
      .refine(isEndpointUrl, 'must be an absolute http(s) URL without credentials or control characters')
      .optional()
      .describe('where end users consent (hosted connect); overrides the issuer\'s and the catalog\'s'),
    scopes: z.array(z.string().regex(/^[\x21\x23-\x5B\x5D-\x7E]{1,256}$/, 'must be an RFC 6749 scope token')).max(100).optional().describe('scopes requested at consent'),
    authorize_params: z
      .record(z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be a lowercase parameter name'), z.string().max(512).refine((v) => !/\p{Cc}/u.test(v), 'must not contain control characters'))
      .refine((params) => Object.keys(params).length <= 20, 'at most 20 parameters')
      .refine((params) => Object.keys(params).every((key) => !RESERVED_AUTHORIZE_PARAMS.has(key)), `must not set ${[...RESERVED_AUTHORIZE_PARAMS].join(', ')} (apollo sets them)`)
      .optional()
      .describe('extra authorize parameters, e.g. {"access_type": "offline", "prompt": "consent"}'),
    parameters: z
      .record(
        z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be a lowercase parameter name'),
        z.string().trim().min(1, 'must not be empty').max(512).refine((v) => !/\p{Cc}/u.test(v), 'must not contain control characters'),
      )
      .refine((params) => Object.keys(params).length <= 10, 'at most 10 parameters')
      .optional()
      .describe(
        "per-tenant values the toolkit's catalog endpoints need, e.g. {\"okta_domain\": \"acme.okta.com\"} or {\"shop\": \"acme\"}: required when the toolkit lists them " +
          '(GET /api/v1/toolkits/{slug}, parameters with required_on_auth_config); a host value must be a host name, and the endpoints it makes obey the egress policy',
      ),
  })
  .describe(
    'One provider app. Rules: auth_scheme must be one the toolkit supports (GET /api/v1/toolkits); toolkit oauth2 needs revocation_endpoint; auth_scheme oauth2 with a toolkit whose revocation authenticates the client ' +
      `(${[...TOOLKITS_REVOKING_WITH_CLIENT_AUTH].join(', ')}) needs client_id and client_secret; auth_scheme api_key takes neither.`,
  );

export const postAuthConfigs = (ctx: ApolloContext) =>
  defineRoute({
    method: 'post',
    path: '/api/v1/auth_configs',
    operationId: 'createAuthConfig',
    summary: 'Create an auth config',
    tags: ['auth configs'],
    security: 'apiKey',
    auth: ctx.auth.project,
    body: postAuthConfigsBody,
    responses: { 201: { description: 'created (the client secret is never returned)', schema: authConfigView } },
    handler: async ({ auth, body }) => {
      const config = await createAuthConfig(ctx, auth, {
        toolkit: body.toolkit,
        authScheme: body.auth_scheme,
        clientId: body.client_id,
        clientSecret: body.client_secret,
        revocationEndpoint: body.revocation_endpoint,
        tokenEndpoint: body.token_endpoint,
        tokenEndpointAuthMethod: body.token_endpoint_auth_method,
        issuer: body.issuer,
        authorizationEndpoint: body.authorization_endpoint,
        scopes: body.scopes,
        authorizeParams: body.authorize_params,
        parameters: body.parameters,
      });
      return { status: 201, body: presentAuthConfig(config) };
    },
  });
