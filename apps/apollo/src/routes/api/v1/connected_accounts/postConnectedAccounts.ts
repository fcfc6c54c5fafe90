import { z } from 'zod';
import { defineRoute, errorResponseSchema } from '@at/http';
import type { ApolloContext } from '../../../../context';
import { createConnectedAccount } from '../../../../use-cases/create-connected-account';
import { idField, plainText } from '../../../schemas';
import { connectedAccountView, presentConnectedAccount } from './connected-account-view';
import { credentialsBody, toCredential } from './credentials-body';

export const postConnectedAccountsBody = z.strictObject({
  auth_config_id: idField('ac', 'auth config'),
  user_id: plainText(256).describe('your id of the end user, 1..256 characters'),
  credentials: credentialsBody,
});

export const postConnectedAccounts = (ctx: ApolloContext) =>
  defineRoute({
    method: 'post',
    path: '/api/v1/connected_accounts',
    operationId: 'createConnectedAccount',
    summary: "Connect an end user's credential under an auth config",
    tags: ['connected accounts'],
    security: 'apiKey',
    auth: ctx.auth.project,
    body: postConnectedAccountsBody,
    responses: {
      201: { description: 'created (credentials are never returned)', schema: connectedAccountView },
      404: { description: "the auth config is not the caller's, or was deleted", schema: errorResponseSchema },
    },
    handler: async ({ auth, body }) => {
      const account = await createConnectedAccount(ctx, auth, { authConfigId: body.auth_config_id, userId: body.user_id, credential: toCredential(body.credentials) });
      return { status: 201, body: presentConnectedAccount(account) };
    },
  });
