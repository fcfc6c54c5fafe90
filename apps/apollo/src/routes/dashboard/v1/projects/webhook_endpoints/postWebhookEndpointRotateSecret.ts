import { defineRoute } from '@at/http';
import type { ApolloContext } from '../../../../../context';
import { actingForProject } from '../../../../../use-cases/acting-for-project';
import { rotateEndpointSecret } from '../../../../../use-cases/webhook-endpoints';
import { presentWebhookEndpoint, webhookEndpointWithSecretView } from '../../../../api/v1/webhook_endpoints/webhook-endpoint-view';
import { projectWebhookEndpointParams } from './webhook-endpoint-params';

export const postWebhookEndpointRotateSecret = (ctx: ApolloContext) =>
  defineRoute({
    method: 'post',
    path: '/dashboard/v1/projects/{id}/webhook_endpoints/{webhook_endpoint_id}/rotate_secret',
    operationId: 'dashboardRotateWebhookEndpointSecret',
    summary: "Rotate a project's endpoint signing secret: the old and new secrets both sign for 24 hours",
    tags: ['webhooks'],
    security: 'orgToken',
    auth: ctx.auth.org,
    params: projectWebhookEndpointParams,
    responses: { 200: { description: 'the new secret, shown only here', schema: webhookEndpointWithSecretView } },
    handler: async ({ auth, params }) => {
      const scope = await actingForProject(ctx.db, auth.orgId, params.id);
      const { endpoint, secret } = await rotateEndpointSecret(ctx, scope, params.webhook_endpoint_id);
      return { status: 200, headers: { 'cache-control': 'no-store' }, body: { ...presentWebhookEndpoint(endpoint), secret } };
    },
  });
