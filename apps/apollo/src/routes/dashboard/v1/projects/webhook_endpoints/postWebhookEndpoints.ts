import { defineRoute } from '@at/http';
import type { ApolloContext } from '../../../../../context';
import { actingForProject } from '../../../../../use-cases/acting-for-project';
import { createWebhookEndpoint } from '../../../../../use-cases/webhook-endpoints';
import { postWebhookEndpointsBody } from '../../../../api/v1/webhook_endpoints/postWebhookEndpoints';
import { presentWebhookEndpoint, webhookEndpointWithSecretView } from '../../../../api/v1/webhook_endpoints/webhook-endpoint-view';
import { getProjectParams } from '../getProject';

export const postWebhookEndpoints = (ctx: ApolloContext) =>
  defineRoute({
    method: 'post',
    path: '/dashboard/v1/projects/{id}/webhook_endpoints',
    operationId: 'dashboardCreateWebhookEndpoint',
    summary: 'Create a webhook endpoint of a project (its signing secret is returned once)',
    tags: ['webhooks'],
    security: 'orgToken',
    auth: ctx.auth.org,
    params: getProjectParams,
    body: postWebhookEndpointsBody,
    responses: { 201: { description: 'created, with its secret', schema: webhookEndpointWithSecretView } },
    handler: async ({ auth, params, body }) => {
      const scope = await actingForProject(ctx.db, auth.orgId, params.id);
      const { endpoint, secret } = await createWebhookEndpoint(ctx, scope, { url: body.url, events: body.events, description: body.description });
      return { status: 201, headers: { 'cache-control': 'no-store' }, body: { ...presentWebhookEndpoint(endpoint), secret } };
    },
  });
