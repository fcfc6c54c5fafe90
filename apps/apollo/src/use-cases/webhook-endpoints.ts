import { ALL_EVENTS, newId, newWebhookSecret, NotFoundError, ValidationError, WORKFLOW_TYPES, webhookLaneWake } from '@at/common';
import type { ProjectScope } from './acting-for-project';
import type { ApolloContext } from '../context';
import { findLiveWebhookEndpoint, insertWebhookEndpoint, retryWebhookDelivery, rotateWebhookSecret, softDeleteWebhookEndpoint, type WebhookEndpointRecord } from '../repositories/webhook-endpoints';
import { endpointIssues } from './create-auth-config';

/** After a rotation the previous secret keeps signing this long, so receivers can switch without losing a delivery. */
export const ROTATION_OVERLAP_MS = 24 * 3_600_000;

export type WebhookEndpointInput = { url: string; events: string[]; description: string | undefined };

export type WithSecret = { endpoint: WebhookEndpointRecord; secret: string };

/**
 * A webhook endpoint of the caller's project. Its URL obeys the providers' egress policy, checked
 * now (and by thermos at every delivery). The secret is sealed; it is returned this once.
 */
export async function createWebhookEndpoint(ctx: ApolloContext, caller: ProjectScope, input: WebhookEndpointInput): Promise<WithSecret> {
  const policy = { allowedHosts: ctx.env.PROVIDER_ALLOWED_HOSTS, allowInsecureLoopback: ctx.env.PROVIDER_ALLOW_INSECURE_LOOPBACK };
  const issues = await endpointIssues('body.url', input.url, policy);
  if (issues.length > 0) throw new ValidationError('invalid webhook endpoint', issues);
  const id = newId('we');
  const secret = newWebhookSecret();
  const events = input.events.includes(ALL_EVENTS) ? [ALL_EVENTS] : [...new Set(input.events)].sort();
  const endpoint = await insertWebhookEndpoint(ctx.db, {
    id,
    orgId: caller.orgId,
    projectId: caller.projectId,
    url: input.url,
    events,
    description: input.description ?? null,
    secretSealed: ctx.vault.sealJson(secret, id),
  });
  return { endpoint, secret };
}

/** A new secret; the old one keeps signing for ROTATION_OVERLAP_MS (both signatures are sent meanwhile). */
export async function rotateEndpointSecret(ctx: ApolloContext, caller: ProjectScope, id: string): Promise<WithSecret> {
  const secret = newWebhookSecret();
  const endpoint = await rotateWebhookSecret(ctx.db, caller.projectId, id, ctx.vault.sealJson(secret, id), new Date(Date.now() + ROTATION_OVERLAP_MS));
  if (!endpoint) throw new NotFoundError('webhook endpoint');
  return { endpoint, secret };
}

/**
 * Deletes an endpoint of the project: nothing more is sent to it. Both surfaces (API key,
 * dashboard) come through here, so a change to how deliveries stop lands on both.
 */
export async function deleteWebhookEndpoint(ctx: Pick<ApolloContext, 'db'>, caller: ProjectScope, id: string): Promise<void> {
  if (!(await softDeleteWebhookEndpoint(ctx.db, caller.projectId, id))) throw new NotFoundError('webhook endpoint');
}

/**
 * Sends a delivery of one of the project's endpoints again now (same webhook-id): re-armed in
 * Postgres, then its lane's workflow woken (started if it had ended). If Temporal cannot be
 * reached the delivery is still re-armed, and thermos's relay wakes the lane once it is overdue
 * (WEBHOOK_REWAKE_AFTER_MS). Both surfaces (API key, dashboard) come through here.
 */
export async function retryDelivery(ctx: ApolloContext, caller: ProjectScope, endpointId: string, deliveryId: string): Promise<void> {
  const endpoint = await findLiveWebhookEndpoint(ctx.db, caller.projectId, endpointId);
  const armed = endpoint ? await retryWebhookDelivery(ctx.db, endpoint.id, deliveryId) : null;
  if (!endpoint || !armed) throw new NotFoundError('webhook delivery');
  await ctx.temporal.workflow
    .signalWithStart(WORKFLOW_TYPES.webhookLane, webhookLaneWake(ctx.env.TEMPORAL_TASK_QUEUE, { endpointId: endpoint.id, lane: armed.lane }))
    .catch((error: unknown) => void ctx.logger.warn('could not wake the webhook lane of a retried delivery; the relay wakes it once overdue', { delivery_id: deliveryId, error: error instanceof Error ? error.message : String(error) }));
}
