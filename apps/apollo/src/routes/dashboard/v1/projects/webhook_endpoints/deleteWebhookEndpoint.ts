import { z } from 'zod';
import { defineRoute } from '@at/http';
import type { ApolloContext } from '../../../../../context';
import { actingForProject } from '../../../../../use-cases/acting-for-project';
import { deleteWebhookEndpoint as deleteEndpoint } from '../../../../../use-cases/webhook-endpoints';
import { projectWebhookEndpointParams } from './webhook-endpoint-params';

export const deleteWebhookEndpoint = (ctx: ApolloContext) =>
  defineRoute({
    method: 'delete',
    path: '/dashboard/v1/projects/{id}/webhook_endpoints/{webhook_endpoint_id}',
    operationId: 'dashboardDeleteWebhookEndpoint',
    summary: "Delete a project's webhook endpoint: nothing more is sent to it (its pending deliveries end failed)",
    tags: ['webhooks'],
    security: 'orgToken',
    auth: ctx.auth.org,
    params: projectWebhookEndpointParams,
    responses: { 200: { description: 'deleted', schema: z.object({ id: z.string(), deleted: z.literal(true) }) } },
    handler: async ({ auth, params }) => {
      const scope = await actingForProject(ctx.db, auth.orgId, params.id);
      await deleteEndpoint(ctx, scope, params.webhook_endpoint_id);
      return { status: 200, body: { id: params.webhook_endpoint_id, deleted: true as const } };
    },
  });
