import { z } from 'zod';
import { defineRoute } from '@at/http';
import { catalogEntries, isKnownToolkit } from '@at/providers';
import type { ApolloContext } from '../../../../context';
import { createAuthConfig, TOOLKITS_REVOKING_WITH_CLIENT_AUTH } from '../../../../use-cases/create-auth-config';
import { isWellFormedText } from '@at/common';
import { oauthSecret, plainText } from '../../../schemas';
import { authConfigView, presentAuthConfig } from './auth-config-view';

const toolkits = catalogEntries().map((e) => e.slug);

/**
 * Absolute http(s) URL; credentials in it would be a secret stored in a non-secret column, and
 * port 0 is no destination (the URL parser itself refuses ports past 65535).
 */
function isRevocationUrl(value: string): boolean {
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
      .refine(isRevocationUrl, 'must be an absolute http(s) URL with a port in 1..65535 (or none), without credentials or control characters')
      .optional()
      .describe(
        'RFC 7009 revocation endpoint; required for toolkit oauth2. Must be https to a public address (checked now and at every call): ' +
          'loopback, private, link-local and metadata addresses are refused unless the deployment allowlists the host (PROVIDER_ALLOWED_HOSTS)',
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
      });
      return { status: 201, body: presentAuthConfig(config) };
    },
  });
