import { NotFoundError } from '@at/common';
import { defineRoute } from '@at/http';
import type { ApolloContext } from '../../../../context';
import { findLiveWebhookEndpoint } from '../../../../repositories/webhook-endpoints';
import { idParam } from '../../../schemas';
import { presentWebhookEndpoint, webhookEndpointView } from './webhook-endpoint-view';

export const webhookEndpointParams = idParam('we', 'webhook endpoint');

export const getWebhookEndpoint = (ctx: ApolloContext) =>
  defineRoute({
    method: 'get',
    path: '/api/v1/webhook_endpoints/{id}',
    operationId: 'getWebhookEndpoint',
    summary: 'Get a webhook endpoint',
    tags: ['webhooks'],
    security: 'apiKey',
    auth: ctx.auth.project,
    params: webhookEndpointParams,
    responses: { 200: { description: 'the endpoint (without its secret)', schema: webhookEndpointView } },
    handler: async ({ auth, params }) => {
      const endpoint = await findLiveWebhookEndpoint(ctx.db, auth.projectId, params.id);
      if (!endpoint) throw new NotFoundError('webhook endpoint');
      return { status: 200, body: presentWebhookEndpoint(endpoint) };
    },
  });
