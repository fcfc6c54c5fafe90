import { z } from 'zod';
import { ALL_EVENTS, EVENT_TYPES, isWellFormedText } from '@at/common';
import { defineRoute } from '@at/http';
import type { ApolloContext } from '../../../../context';
import { createWebhookEndpoint } from '../../../../use-cases/webhook-endpoints';
import { plainText } from '../../../schemas';
import { presentWebhookEndpoint, webhookEndpointWithSecretView } from './webhook-endpoint-view';

/** Absolute http(s) URL without credentials, control characters or port 0 (the egress policy then decides). */
function isWebhookUrl(value: string): boolean {
  if (/\p{Cc}/u.test(value) || !isWellFormedText(value) || !URL.canParse(value)) return false;
  const url = new URL(value);
  return (url.protocol === 'https:' || url.protocol === 'http:') && url.username === '' && url.password === '' && url.port !== '0';
}

export const postWebhookEndpointsBody = z.strictObject({
  url: z
    .string()
    .trim()
    .max(2048)
    .refine(isWebhookUrl, 'must be an absolute http(s) URL with a port in 1..65535 (or none), without credentials or control characters')
    .describe('https to a public address (loopback, private and metadata addresses are refused unless the deployment allowlists the host)'),
  events: z
    .array(z.enum([...EVENT_TYPES, ALL_EVENTS]))
    .min(1)
    .max(EVENT_TYPES.length + 1)
    .describe(`event types to receive, or ["*"] for all: ${EVENT_TYPES.join(', ')}`),
  description: plainText(256).optional(),
});

export const postWebhookEndpoints = (ctx: ApolloContext) =>
  defineRoute({
    method: 'post',
    path: '/api/v1/webhook_endpoints',
    operationId: 'createWebhookEndpoint',
    summary: 'Create a webhook endpoint (its signing secret is returned once)',
    tags: ['webhooks'],
    security: 'apiKey',
    auth: ctx.auth.project,
    body: postWebhookEndpointsBody,
    responses: { 201: { description: 'created, with its secret', schema: webhookEndpointWithSecretView } },
    handler: async ({ auth, body }) => {
      const { endpoint, secret } = await createWebhookEndpoint(ctx, auth, { url: body.url, events: body.events, description: body.description });
      return { status: 201, body: { ...presentWebhookEndpoint(endpoint), secret } };
    },
  });
