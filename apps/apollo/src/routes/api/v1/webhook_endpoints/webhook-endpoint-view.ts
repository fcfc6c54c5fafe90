import { z } from 'zod';
import type { WebhookEndpointRecord } from '../../../../repositories/webhook-endpoints';
import { iso, timestamp } from '../../../schemas';

/** An endpoint as returned: never its secret (shown once, on create and rotate). */
export const webhookEndpointView = z.object({
  id: z.string(),
  project_id: z.string(),
  url: z.string(),
  events: z.array(z.string()),
  description: z.string().nullable(),
  disabled: z.object({ at: timestamp, reason: z.string().nullable() }).nullable().describe('set when the endpoint answered 410 Gone: nothing is sent to it any more'),
  previous_secret_expires_at: timestamp.nullable().describe('during a rotation: until when the previous secret also signs'),
  created_at: timestamp,
  updated_at: timestamp,
});

export const webhookEndpointWithSecretView = webhookEndpointView.extend({
  secret: z.string().describe('whsec_…: the signing secret, shown only in this response'),
});

export const presentWebhookEndpoint = (e: WebhookEndpointRecord): z.output<typeof webhookEndpointView> => ({
  id: e.id,
  project_id: e.projectId,
  url: e.url,
  events: e.events,
  description: e.description,
  disabled: e.disabledAt ? { at: iso(e.disabledAt), reason: e.disabledReason } : null,
  previous_secret_expires_at: e.previousSecretExpiresAt && e.previousSecretExpiresAt.getTime() > Date.now() ? iso(e.previousSecretExpiresAt) : null,
  created_at: iso(e.createdAt),
  updated_at: iso(e.updatedAt),
});
