import { defineRoute } from '@at/http';
import type { ApolloContext } from '../../../../../../context';
import { actingForProject } from '../../../../../../use-cases/acting-for-project';
import { deliveriesPage, listWebhookDeliveriesQuery, webhookDeliveryView } from '../../../../../api/v1/webhook_endpoints/deliveries/listWebhookDeliveries';
import { pageOf } from '../../../../../paging';
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
      return { status: 200, body: await deliveriesPage(ctx, scope.projectId, params.webhook_endpoint_id, query) };
    },
  });
