import { NotFoundError } from '@at/common';
import { defineRoute } from '@at/http';
import type { ApolloContext } from '../../../../context';
import { findLiveConnectedAccount } from '../../../../repositories/connected-accounts';
import { idParam } from '../../../schemas';
import { connectedAccountView, presentConnectedAccount } from './connected-account-view';

export const getConnectedAccountParams = idParam('ca', 'connected account');

export const getConnectedAccount = (ctx: ApolloContext) =>
  defineRoute({
    method: 'get',
    path: '/api/v1/connected_accounts/{id}',
    operationId: 'getConnectedAccount',
    summary: 'Get a connected account',
    tags: ['connected accounts'],
    security: 'apiKey',
    auth: ctx.auth.project,
    params: getConnectedAccountParams,
    responses: { 200: { description: 'the connected account', schema: connectedAccountView } },
    handler: async ({ auth, params }) => {
      const account = await findLiveConnectedAccount(ctx.db, auth.projectId, params.id);
      if (!account) throw new NotFoundError('connected account');
      return { status: 200, body: presentConnectedAccount(account) };
    },
  });
