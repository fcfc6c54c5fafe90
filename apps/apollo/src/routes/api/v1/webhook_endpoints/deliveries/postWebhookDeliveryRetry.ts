import { z } from 'zod';
import { idSchema } from '@at/common';
import { defineRoute } from '@at/http';
import type { ApolloContext } from '../../../../../context';
import { retryDelivery } from '../../../../../use-cases/webhook-endpoints';

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
      await retryDelivery(ctx, auth, params.id, params.delivery_id);
      return { status: 202, body: { id: params.delivery_id, status: 'pending' as const } };
    },
  });
