import { z } from 'zod';
import { idSchema, NotFoundError } from '@at/common';
import { defineRoute } from '@at/http';
import type { ApolloContext } from '../../../../../context';
import { findLiveWebhookEndpoint, retryWebhookDelivery } from '../../../../../repositories/webhook-endpoints';

export const webhookDeliveryParams = z.strictObject({ id: idSchema('we', 'webhook endpoint'), delivery_id: idSchema('wd', 'webhook delivery') });

export const postWebhookDeliveryRetry = (ctx: ApolloContext) =>
  defineRoute({
    method: 'post',
    path: '/api/v1/webhook_endpoints/{id}/deliveries/{delivery_id}/retry',
    operationId: 'retryWebhookDelivery',
    summary: 'Send a delivery again now (same webhook-id), with a fresh retry window',
    tags: ['webhooks'],
    security: 'apiKey',
    auth: ctx.auth.project,
    params: webhookDeliveryParams,
    responses: { 202: { description: 'queued', schema: z.object({ id: z.string(), status: z.literal('pending') }) } },
    handler: async ({ auth, params }) => {
      const endpoint = await findLiveWebhookEndpoint(ctx.db, auth.projectId, params.id);
      if (!endpoint || !(await retryWebhookDelivery(ctx.db, endpoint.id, params.delivery_id))) throw new NotFoundError('webhook delivery');
      return { status: 202, body: { id: params.delivery_id, status: 'pending' as const } };
    },
  });
