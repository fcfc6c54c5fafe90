import { defineRoute } from '@at/http';
import type { ApolloContext } from '../../../../context';
import { rotateEndpointSecret } from '../../../../use-cases/webhook-endpoints';
import { webhookEndpointParams } from './getWebhookEndpoint';
import { presentWebhookEndpoint, webhookEndpointWithSecretView } from './webhook-endpoint-view';

export const postWebhookEndpointRotateSecret = (ctx: ApolloContext) =>
  defineRoute({
    method: 'post',
    path: '/api/v1/webhook_endpoints/{id}/rotate_secret',
    operationId: 'rotateWebhookEndpointSecret',
    summary: 'Rotate the signing secret: the old and new secrets both sign for 24 hours',
    tags: ['webhooks'],
    security: 'apiKey',
    auth: ctx.auth.project,
    params: webhookEndpointParams,
    responses: { 200: { description: 'the new secret, shown only here', schema: webhookEndpointWithSecretView } },
    handler: async ({ auth, params }) => {
      const { endpoint, secret } = await rotateEndpointSecret(ctx, auth, params.id);
      return { status: 200, body: { ...presentWebhookEndpoint(endpoint), secret } };
    },
  });
