import { z } from 'zod';
import { defineRoute } from '@at/http';
import type { ApolloContext } from '../../../../context';
import { listLiveConnectedAccounts } from '../../../../repositories/connected-accounts';
import { keysetPage, pageOf, pageQueryShape } from '../../../paging';
import { idField, plainText } from '../../../schemas';
import { CONNECTION_STATUSES, connectedAccountView, presentConnectedAccount } from './connected-account-view';

export const listConnectedAccountsQuery = z.strictObject({
  ...pageQueryShape,
  auth_config_id: idField('ac', 'auth config').optional(),
  user_id: plainText(256).optional(),
  status: z.enum(CONNECTION_STATUSES).optional(),
  toolkit: z.string().trim().min(1).max(64).regex(/^[a-z0-9][a-z0-9-]*$/, 'must be a toolkit slug').optional(),
});
export const listConnectedAccountsResponse = pageOf(connectedAccountView);

export const listConnectedAccounts = (ctx: ApolloContext) =>
  defineRoute({
    method: 'get',
    path: '/api/v1/connected_accounts',
    operationId: 'listConnectedAccounts',
    summary: 'List the live connected accounts of the project, optionally filtered',
    tags: ['connected accounts'],
    security: 'apiKey',
    auth: ctx.auth.project,
    query: listConnectedAccountsQuery,
    responses: { 200: { description: 'one page, ordered by id', schema: listConnectedAccountsResponse } },
    handler: async ({ auth, query }) => {
      const filter = { projectId: auth.projectId, authConfigId: query.auth_config_id, userId: query.user_id, status: query.status, toolkit: query.toolkit };
      return {
        status: 200,
        body: await keysetPage({
          cursors: ctx.cursors,
          // the filter is part of the binding: a cursor only continues the listing that issued it
          binding: `${auth.projectId}:connected_accounts:${JSON.stringify([filter.authConfigId, filter.userId, filter.status, filter.toolkit])}`,
          limit: query.limit,
          cursor: query.cursor,
          fetch: (after, take) => listLiveConnectedAccounts(ctx.db, filter, after, take),
          present: presentConnectedAccount,
        }),
      };
    },
  });
