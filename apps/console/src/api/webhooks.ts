import type { ALL_EVENTS, EVENT_TYPES } from '@at/common/events';
import { api, unwrap, type Answer } from './client';

type EndpointPage = Answer<'/dashboard/v1/projects/{id}/webhook_endpoints', 'get', 200>;
export type WebhookEndpoint = EndpointPage['items'][number];
export type WebhookEndpointWithSecret = Answer<'/dashboard/v1/projects/{id}/webhook_endpoints', 'post', 201>;
type DeliveryPage = Answer<'/dashboard/v1/projects/{id}/webhook_endpoints/{webhook_endpoint_id}/deliveries', 'get', 200>;
export type WebhookDelivery = DeliveryPage['items'][number];
export type DeliveryStatus = WebhookDelivery['status'];
export type EventName = (typeof EVENT_TYPES)[number] | typeof ALL_EVENTS;
export type EndpointInput = { url: string; events: EventName[]; description?: string };

export const DELIVERY_STATUSES: readonly DeliveryStatus[] = ['pending', 'delivered', 'failed'];

const path = (id: string, webhook_endpoint_id: string) => ({ path: { id, webhook_endpoint_id } });

/** Every live endpoint of a project (a project has few). */
export async function listAllEndpoints(projectId: string): Promise<WebhookEndpoint[]> {
  const out: WebhookEndpoint[] = [];
  let cursor: string | undefined;
  do {
    const page = await unwrap(api.GET('/dashboard/v1/projects/{id}/webhook_endpoints', { params: { path: { id: projectId }, query: { limit: 100, ...(cursor ? { cursor } : {}) } } }));
    out.push(...page.items);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return out;
}

export function createEndpoint(projectId: string, input: EndpointInput): Promise<WebhookEndpointWithSecret> {
  const body = { url: input.url, events: input.events, ...(input.description ? { description: input.description } : {}) };
  return unwrap(api.POST('/dashboard/v1/projects/{id}/webhook_endpoints', { params: { path: { id: projectId } }, body }));
}

export function deleteEndpoint(projectId: string, endpointId: string): Promise<unknown> {
  return unwrap(api.DELETE('/dashboard/v1/projects/{id}/webhook_endpoints/{webhook_endpoint_id}', { params: path(projectId, endpointId) }));
}

export function rotateSecret(projectId: string, endpointId: string): Promise<WebhookEndpointWithSecret> {
  return unwrap(api.POST('/dashboard/v1/projects/{id}/webhook_endpoints/{webhook_endpoint_id}/rotate_secret', { params: path(projectId, endpointId) }));
}

export function listDeliveries(projectId: string, endpointId: string, status: DeliveryStatus | undefined, cursor?: string): Promise<DeliveryPage> {
  return unwrap(
    api.GET('/dashboard/v1/projects/{id}/webhook_endpoints/{webhook_endpoint_id}/deliveries', {
      params: { ...path(projectId, endpointId), query: { limit: 50, ...(status ? { status } : {}), ...(cursor ? { cursor } : {}) } },
    }),
  );
}

export function retryDelivery(projectId: string, endpointId: string, deliveryId: string): Promise<unknown> {
  return unwrap(
    api.POST('/dashboard/v1/projects/{id}/webhook_endpoints/{webhook_endpoint_id}/deliveries/{delivery_id}/retry', {
      params: { path: { id: projectId, webhook_endpoint_id: endpointId, delivery_id: deliveryId } },
    }),
  );
}
