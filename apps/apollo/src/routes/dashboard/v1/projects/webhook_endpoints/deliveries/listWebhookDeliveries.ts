import { NotFoundError } from '@at/common';
import { defineRoute } from '@at/http';
import type { ApolloContext } from '../../../../../../context';
import { findLiveWebhookEndpoint, listWebhookDeliveries as listDeliveries } from '../../../../../../repositories/webhook-endpoints';
import { actingForProject } from '../../../../../../use-cases/acting-for-project';
import { listWebhookDeliveriesQuery, presentWebhookDelivery, webhookDeliveryView } from '../../../../../api/v1/webhook_endpoints/deliveries/listWebhookDeliveries';
import { keysetPage, pageOf } from '../../../../../paging';
import { projectWebhookEndpointParams } from '../webhook-endpoint-params';

export const listWebhookDeliveries = (ctx: ApolloContext) =>
  defineRoute({
    method: 'get',
    path: '/dashboard/v1/projects/{id}/webhook_endpoints/{webhook_endpoint_id}/deliveries',
    operationId: 'dashboardListWebhookDeliveries',
    summary: "The delivery log of a project's endpoint",
    tags: ['webhooks'],
    security: 'orgToken',
    auth: ctx.auth.org,
    params: projectWebhookEndpointParams,
    query: listWebhookDeliveriesQuery,
    responses: { 200: { description: 'one page, ordered by id (oldest first)', schema: pageOf(webhookDeliveryView) } },
    handler: async ({ auth, params, query }) => {
      const scope = await actingForProject(ctx.db, auth.orgId, params.id);
      const endpoint = await findLiveWebhookEndpoint(ctx.db, scope.projectId, params.webhook_endpoint_id);
      if (!endpoint) throw new NotFoundError('webhook endpoint');
      return {
        status: 200,
        body: await keysetPage({
          cursors: ctx.cursors,
          binding: `${endpoint.id}:deliveries:${query.status ?? ''}`,
          limit: query.limit,
          cursor: query.cursor,
          fetch: (after, take) => listDeliveries(ctx.db, endpoint.id, query.status, after, take),
          present: presentWebhookDelivery,
        }),
      };
    },
  });
