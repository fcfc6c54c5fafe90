import { z } from 'zod';
import { defineRoute, errorResponseSchema, receivedAtOf } from '@at/http';
import type { ApolloContext } from '../../../../context';
import { vendToken } from '../../../../use-cases/vend-token';
import { idParam, iso, timestamp } from '../../../schemas';

export const connectedAccountTokenView = z.discriminatedUnion('auth_scheme', [
  z.object({
    connected_account_id: z.string(),
    auth_scheme: z.literal('oauth2'),
    access_token: z.string(),
    token_type: z.string().describe('as the provider issued it, e.g. Bearer'),
    expires_at: timestamp.nullable().describe('when the access token expires; null when unknown'),
    refreshed: z.boolean().describe('the token was renewed at the provider while this request waited (by it or a concurrent one)'),
  }),
  z.object({ connected_account_id: z.string(), auth_scheme: z.literal('api_key'), api_key: z.string() }),
]);

/** Vends the current secret of a connection, refreshing it first when it is near expiry. */
export const getConnectedAccountToken = (ctx: ApolloContext) =>
  defineRoute({
    method: 'get',
    path: '/api/v1/connected_accounts/{id}/token',
    operationId: 'getConnectedAccountToken',
    summary: 'Get the current access token (or API key) of a connected account, refreshed first when near expiry',
    tags: ['connected accounts'],
    security: 'apiKey',
    auth: ctx.auth.project,
    params: idParam('ca', 'connected account'),
    responses: {
      200: { description: 'the current secret (never cached: Cache-Control no-store)', schema: connectedAccountTokenView },
      404: { description: 'not found', schema: errorResponseSchema },
      409: { description: 'needs_reauth (the provider refused the refresh token; reconnect the end user) or connection_revoked', schema: errorResponseSchema },
      502: { description: 'refresh_failed: the token has expired and the provider refused to refresh it for a reason of the auth config', schema: errorResponseSchema },
      503: { description: 'refresh_unavailable: the token has expired and could not be refreshed now; retry after Retry-After', schema: errorResponseSchema },
    },
    handler: async ({ auth, params, res }) => {
      const token = await vendToken(ctx, auth, params.id, receivedAtOf(res));
      const body =
        token.authScheme === 'api_key'
          ? { connected_account_id: token.connectedAccountId, auth_scheme: 'api_key' as const, api_key: token.apiKey }
          : {
              connected_account_id: token.connectedAccountId,
              auth_scheme: 'oauth2' as const,
              access_token: token.accessToken,
              token_type: token.tokenType,
              expires_at: token.expiresAt && iso(token.expiresAt),
              refreshed: token.refreshed,
            };
      // a secret: no cache, proxy or browser may keep it
      return { status: 200, body, headers: { 'cache-control': 'no-store', pragma: 'no-cache' } };
    },
  });
