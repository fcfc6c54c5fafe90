import { z } from 'zod';
import { defineRoute } from '@at/http';
import type { ApolloContext } from '../../../../context';
import { deleteWebhookEndpoint as deleteEndpoint } from '../../../../use-cases/webhook-endpoints';
import { webhookEndpointParams } from './getWebhookEndpoint';

export const deleteWebhookEndpoint = (ctx: ApolloContext) =>
  defineRoute({
    method: 'delete',
    path: '/api/v1/webhook_endpoints/{id}',
    operationId: 'deleteWebhookEndpoint',
    summary: 'Delete a webhook endpoint: nothing more is sent to it (its pending deliveries end failed)',
    tags: ['webhooks'],
    security: 'apiKey',
    auth: ctx.auth.project,
    params: webhookEndpointParams,
    responses: { 200: { description: 'deleted', schema: z.object({ id: z.string(), deleted: z.literal(true) }) } },
    handler: async ({ auth, params }) => {
      await deleteEndpoint(ctx, auth, params.id);
      return { status: 200, body: { id: params.id, deleted: true as const } };
    },
  });
