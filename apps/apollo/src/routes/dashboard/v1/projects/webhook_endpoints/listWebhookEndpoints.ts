import { defineRoute } from '@at/http';
import type { ApolloContext } from '../../../../../context';
import { listLiveWebhookEndpoints } from '../../../../../repositories/webhook-endpoints';
import { actingForProject } from '../../../../../use-cases/acting-for-project';
import { listWebhookEndpointsResponse } from '../../../../api/v1/webhook_endpoints/listWebhookEndpoints';
import { presentWebhookEndpoint } from '../../../../api/v1/webhook_endpoints/webhook-endpoint-view';
import { keysetPage, pageQuerySchema } from '../../../../paging';
import { getProjectParams } from '../getProject';

export const listWebhookEndpoints = (ctx: ApolloContext) =>
  defineRoute({
    method: 'get',
    path: '/dashboard/v1/projects/{id}/webhook_endpoints',
    operationId: 'dashboardListWebhookEndpoints',
    summary: 'List the webhook endpoints of a project (never their secrets)',
    tags: ['webhooks'],
    security: 'orgToken',
    auth: ctx.auth.org,
    params: getProjectParams,
    query: pageQuerySchema,
    responses: { 200: { description: 'one page, ordered by id', schema: listWebhookEndpointsResponse } },
    handler: async ({ auth, params, query }) => {
      const scope = await actingForProject(ctx.db, auth.orgId, params.id);
      return {
        status: 200,
        body: await keysetPage({
          cursors: ctx.cursors,
          // the same binding as the API key's listing of the same project: the same pages
          binding: `${scope.projectId}:webhook_endpoints`,
          limit: query.limit,
          cursor: query.cursor,
          fetch: (after, take) => listLiveWebhookEndpoints(ctx.db, scope.projectId, after, take),
          present: presentWebhookEndpoint,
        }),
      };
    },
  });
