import { z } from 'zod';
import type { AuthConfigRecord } from '../../../../repositories/auth-configs';
import { iso, timestamp } from '../../../schemas';

/** An auth config as returned: whether a client secret is set, never the secret. */
export const authConfigView = z.object({
  id: z.string(),
  project_id: z.string(),
  toolkit: z.string(),
  auth_scheme: z.enum(['oauth2', 'api_key']),
  client_id: z.string().nullable(),
  has_client_secret: z.boolean(),
  revocation_endpoint: z.string().nullable(),
  token_endpoint: z.string().nullable().describe('where refresh tokens are exchanged; null: the toolkit\'s built-in one, if any'),
  token_endpoint_auth_method: z.enum(['client_secret_basic', 'client_secret_post']),
  issuer: z.string().nullable(),
  authorization_endpoint: z.string().nullable().describe('where end users consent; null: the catalog\'s, if any'),
  pushed_authorization_request_endpoint: z.string().nullable().describe('RFC 9126, from the issuer\'s metadata'),
  authorization_response_iss_parameter_supported: z.boolean().describe('RFC 9207: authorization responses without iss are refused'),
  scopes: z.array(z.string()),
  authorize_params: z.record(z.string(), z.string()).nullable(),
  parameters: z.record(z.string(), z.string()).nullable().describe("per-tenant values filling the toolkit's endpoint placeholders (GET /api/v1/toolkits/{slug} lists them)"),
  created_at: timestamp,
  updated_at: timestamp,
});

export const presentAuthConfig = (config: AuthConfigRecord): z.output<typeof authConfigView> => ({
  id: config.id,
  project_id: config.projectId,
  toolkit: config.toolkit,
  auth_scheme: config.authScheme,
  client_id: config.clientId,
  has_client_secret: config.hasClientSecret,
  revocation_endpoint: config.revocationEndpoint,
  token_endpoint: config.tokenEndpoint,
  token_endpoint_auth_method: config.tokenEndpointAuthMethod,
  issuer: config.issuer,
  authorization_endpoint: config.authorizationEndpoint,
  pushed_authorization_request_endpoint: config.parEndpoint,
  authorization_response_iss_parameter_supported: config.issParameterSupported,
  scopes: config.scopes,
  authorize_params: config.authorizeParams,
  parameters: config.parameters,
  created_at: iso(config.createdAt),
  updated_at: iso(config.updatedAt),
});
