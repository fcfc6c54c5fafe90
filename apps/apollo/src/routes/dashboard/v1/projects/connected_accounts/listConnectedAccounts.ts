import { z } from 'zod';
import { defineRoute } from '@at/http';
import type { ApolloContext } from '../../../../../context';
import { listConnectedAccounts as listAccounts } from '../../../../../use-cases/list-connected-accounts';
import { projectOwnerFor } from '../../../../../use-cases/revoke-jobs/project-owner';
import { connectedAccountView, presentConnectedAccount } from '../../../../api/v1/connected_accounts/connected-account-view';
import { connectedAccountFilters } from '../../../../api/v1/connected_accounts/listConnectedAccounts';
import { pageOf, pageQueryShape } from '../../../../paging';
import { idParam } from '../../../../schemas';

export const listProjectConnectedAccountsQuery = z.strictObject({ ...pageQueryShape, ...connectedAccountFilters });

export const listConnectedAccounts = (ctx: ApolloContext) =>
  defineRoute({
    method: 'get',
    path: '/dashboard/v1/projects/{id}/connected_accounts',
    operationId: 'dashboardListConnectedAccounts',
    summary: 'List the live connected accounts of a project, filtered by status, toolkit, auth config or user',
    tags: ['connected accounts'],
    security: 'orgToken',
    auth: ctx.auth.org,
    params: idParam('prj', 'project'),
    query: listProjectConnectedAccountsQuery,
    responses: { 200: { description: 'one page, ordered by id', schema: pageOf(connectedAccountView) } },
    handler: async ({ auth, params, query }) => {
      const { projectId } = await projectOwnerFor(ctx.db, auth.orgId, params.id);
      return { status: 200, body: await listAccounts(ctx, projectId, query, presentConnectedAccount) };
    },
  });
