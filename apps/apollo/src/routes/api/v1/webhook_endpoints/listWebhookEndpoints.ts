import { defineRoute } from '@at/http';
import type { ApolloContext } from '../../../../context';
import { listLiveWebhookEndpoints } from '../../../../repositories/webhook-endpoints';
import { keysetPage, pageOf, pageQuerySchema } from '../../../paging';
import { presentWebhookEndpoint, webhookEndpointView } from './webhook-endpoint-view';

export const listWebhookEndpointsResponse = pageOf(webhookEndpointView);

export const listWebhookEndpoints = (ctx: ApolloContext) =>
  defineRoute({
    method: 'get',
    path: '/api/v1/webhook_endpoints',
    operationId: 'listWebhookEndpoints',
    summary: 'List the webhook endpoints of the project',
    tags: ['webhooks'],
    security: 'apiKey',
    auth: ctx.auth.project,
    query: pageQuerySchema,
    responses: { 200: { description: 'one page, ordered by id', schema: listWebhookEndpointsResponse } },
    handler: async ({ auth, query }) => ({
      status: 200,
      body: await keysetPage({
        cursors: ctx.cursors,
        binding: `${auth.projectId}:webhook_endpoints`,
        limit: query.limit,
        cursor: query.cursor,
        fetch: (after, take) => listLiveWebhookEndpoints(ctx.db, auth.projectId, after, take),
        present: presentWebhookEndpoint,
      }),
    }),
  });
