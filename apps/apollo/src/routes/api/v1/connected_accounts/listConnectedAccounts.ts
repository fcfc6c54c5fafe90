import { z } from 'zod';
import { defineRoute } from '@at/http';
import type { ApolloContext } from '../../../../context';
import { listConnectedAccounts as listAccounts } from '../../../../use-cases/list-connected-accounts';
import { pageOf, pageQueryShape } from '../../../paging';
import { idField, plainText } from '../../../schemas';
import { CONNECTION_STATUSES, connectedAccountView, presentConnectedAccount } from './connected-account-view';

/** Filters of a connected-account listing, shared by the platform and dashboard routes. */
export const connectedAccountFilters = {
  auth_config_id: idField('ac', 'auth config').optional(),
  user_id: plainText(256).optional(),
  status: z.enum(CONNECTION_STATUSES).optional(),
  toolkit: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be a toolkit slug').optional(),
};

export const listConnectedAccountsQuery = z.strictObject({ ...pageQueryShape, ...connectedAccountFilters });
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
    handler: async ({ auth, query }) => ({ status: 200, body: await listAccounts(ctx, auth.projectId, query, presentConnectedAccount) }),
  });
