import { z } from 'zod';
import { NotFoundError } from '@at/common';
import { defineRoute } from '@at/http';
import type { ApolloContext } from '../../../../../context';
import { findLiveWebhookEndpoint, listWebhookDeliveries as listDeliveries, type WebhookDeliveryRecord } from '../../../../../repositories/webhook-endpoints';
import { keysetPage, pageOf, pageQueryShape } from '../../../../paging';
import { iso, timestamp } from '../../../../schemas';
import { webhookEndpointParams } from '../getWebhookEndpoint';

export const webhookDeliveryView = z.object({
  id: z.string(),
  event_id: z.string().describe('the webhook-id header of every attempt'),
  event_type: z.string(),
  connected_account_id: z.string().nullable(),
  status: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number().int(),
  last_status: z.number().int().nullable().describe('HTTP status of the last attempt; null when it got no answer'),
  last_error: z.string().nullable(),
  next_attempt_at: timestamp.nullable().describe('while pending'),
  last_attempt_at: timestamp.nullable(),
  finished_at: timestamp.nullable(),
  created_at: timestamp,
});

export const presentWebhookDelivery = (d: WebhookDeliveryRecord): z.output<typeof webhookDeliveryView> => ({
  id: d.id,
  event_id: d.eventId,
  event_type: d.eventType,
  connected_account_id: d.connectedAccountId,
  status: d.status,
  attempts: d.attempts,
  last_status: d.lastStatus,
  last_error: d.lastError,
  next_attempt_at: d.status === 'pending' ? iso(d.nextAttemptAt) : null,
  last_attempt_at: d.lastAttemptAt ? iso(d.lastAttemptAt) : null,
  finished_at: d.finishedAt ? iso(d.finishedAt) : null,
  created_at: iso(d.createdAt),
});

export const listWebhookDeliveriesQuery = z.strictObject({ ...pageQueryShape, status: z.enum(['pending', 'delivered', 'failed']).optional() });

/** One page of the delivery log of a live endpoint of the project (404 otherwise); both surfaces read through here. */
export async function deliveriesPage(ctx: ApolloContext, projectId: string, endpointId: string, query: z.output<typeof listWebhookDeliveriesQuery>) {
  const endpoint = await findLiveWebhookEndpoint(ctx.db, projectId, endpointId);
  if (!endpoint) throw new NotFoundError('webhook endpoint');
  return keysetPage({
    cursors: ctx.cursors,
    binding: `${endpoint.id}:deliveries:${query.status ?? ''}`,
    limit: query.limit,
    cursor: query.cursor,
    fetch: (after, take) => listDeliveries(ctx.db, endpoint.id, query.status, after, take),
    present: presentWebhookDelivery,
  });
}

export const listWebhookDeliveries = (ctx: ApolloContext) =>
  defineRoute({
    method: 'get',
    path: '/api/v1/webhook_endpoints/{id}/deliveries',
    operationId: 'listWebhookDeliveries',
    summary: 'The delivery log of an endpoint',
    tags: ['webhooks'],
    security: 'apiKey',
    auth: ctx.auth.project,
    params: webhookEndpointParams,
    query: listWebhookDeliveriesQuery,
    responses: { 200: { description: 'one page, ordered by id (oldest first)', schema: pageOf(webhookDeliveryView) } },
    handler: async ({ auth, params, query }) => ({ status: 200, body: await deliveriesPage(ctx, auth.projectId, params.id, query) }),
  });
