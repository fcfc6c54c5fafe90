import { z } from 'zod';
import { defineRoute } from '@at/http';
import type { ApolloContext } from '../../../../../../context';
import { actingForProject } from '../../../../../../use-cases/acting-for-project';
import { retryDelivery } from '../../../../../../use-cases/webhook-endpoints';
import { idField } from '../../../../../schemas';

export const projectWebhookDeliveryParams = z.strictObject({
  id: idField('prj', 'project'),
  webhook_endpoint_id: idField('we', 'webhook endpoint'),
  delivery_id: idField('wd', 'webhook delivery'),
});

export const postWebhookDeliveryRetry = (ctx: ApolloContext) =>
  defineRoute({
    method: 'post',
    path: '/dashboard/v1/projects/{id}/webhook_endpoints/{webhook_endpoint_id}/deliveries/{delivery_id}/retry',
    operationId: 'dashboardRetryWebhookDelivery',
    summary: 'Send a delivery again now (same webhook-id), with a fresh retry window',
    tags: ['webhooks'],
    security: 'orgToken',
    auth: ctx.auth.org,
    params: projectWebhookDeliveryParams,
    responses: { 202: { description: 'queued', schema: z.object({ id: z.string(), status: z.literal('pending') }) } },
    handler: async ({ auth, params }) => {
      const scope = await actingForProject(ctx.db, auth.orgId, params.id);
      await retryDelivery(ctx, scope, params.webhook_endpoint_id, params.delivery_id);
      return { status: 202, body: { id: params.delivery_id, status: 'pending' as const } };
    },
  });
