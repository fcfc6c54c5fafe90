import { defineRoute, errorResponseSchema } from '@at/http';
import type { ApolloContext } from '../../../../context';
import { replaceCredentials } from '../../../../use-cases/replace-credentials';
import { idParam } from '../../../schemas';
import { connectedAccountView, presentConnectedAccount } from './connected-account-view';
import { credentialsBody, toCredential } from './credentials-body';

/** The end user reconnected: a new credential for the same connection, which becomes active again. */
export const putConnectedAccountCredentials = (ctx: ApolloContext) =>
  defineRoute({
    method: 'put',
    path: '/api/v1/connected_accounts/{id}/credentials',
    operationId: 'replaceConnectedAccountCredentials',
    summary: 'Replace the credential of a connected account (e.g. after needs_reauth); it becomes active again, same id',
    tags: ['connected accounts'],
    security: 'apiKey',
    auth: ctx.auth.project,
    params: idParam('ca', 'connected account'),
    body: credentialsBody,
    responses: {
      200: { description: 'replaced; the connection is active (credentials are never returned)', schema: connectedAccountView },
      404: { description: 'not found', schema: errorResponseSchema },
      409: { description: 'connection_revoked: a connection being revoked or revoked cannot take a new credential', schema: errorResponseSchema },
      503: { description: 'a token refresh of the connection kept it busy; retry after Retry-After', schema: errorResponseSchema },
    },
    handler: async ({ auth, params, body }) => {
      const account = await replaceCredentials(ctx, auth, params.id, toCredential(body));
      return { status: 200, body: presentConnectedAccount(account) };
    },
  });
