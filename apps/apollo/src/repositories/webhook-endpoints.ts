import type { DbClient, WebhookDeliveryStatus } from '@at/db';
import type { SealedBox } from '@at/vault';
import { afterId } from './query-parts';

export type WebhookEndpointRecord = {
  id: string;
  projectId: string;
  url: string;
  events: string[];
  description: string | null;
  disabledAt: Date | null;
  disabledReason: string | null;
  previousSecretExpiresAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
};

const columns = {
  id: true,
  projectId: true,
  url: true,
  events: true,
  description: true,
  disabledAt: true,
  disabledReason: true,
  previousSecretExpiresAt: true,
  createdAt: true,
  updatedAt: true,
} as const;

export type NewWebhookEndpoint = { id: string; orgId: string; projectId: string; url: string; events: string[]; description: string | null; secretSealed: SealedBox };

export async function insertWebhookEndpoint(db: DbClient, input: NewWebhookEndpoint): Promise<WebhookEndpointRecord> {
  return db.webhookEndpoint.create({ data: input, select: columns });
}

export async function findLiveWebhookEndpoint(db: DbClient, projectId: string, id: string): Promise<WebhookEndpointRecord | null> {
  return db.webhookEndpoint.findFirst({ where: { id, projectId, deletedAt: null }, select: columns });
}

export async function listLiveWebhookEndpoints(db: DbClient, projectId: string, after: string | undefined, take: number): Promise<WebhookEndpointRecord[]> {
  return db.webhookEndpoint.findMany({ where: { projectId, deletedAt: null, ...afterId(after) }, orderBy: { id: 'asc' }, take, select: columns });
}

export async function softDeleteWebhookEndpoint(db: DbClient, projectId: string, id: string): Promise<boolean> {
  const now = new Date();
  const { count } = await db.webhookEndpoint.updateMany({ where: { id, projectId, deletedAt: null }, data: { deletedAt: now, updatedAt: now } });
  return count === 1;
}

/** The current secret becomes the previous one (signing until `previousUntil`), `sealed` the current one. */
export async function rotateWebhookSecret(db: DbClient, projectId: string, id: string, sealed: SealedBox, previousUntil: Date): Promise<WebhookEndpointRecord | null> {
  const rows = await db.$queryRaw<Array<{ id: string }>>`
    UPDATE webhook_endpoints SET previous_secret_sealed = secret_sealed, secret_sealed = ${JSON.stringify(sealed)}::jsonb,
      previous_secret_expires_at = ${previousUntil}, updated_at = CURRENT_TIMESTAMP
    WHERE id = ${id} AND project_id = ${projectId} AND deleted_at IS NULL RETURNING id`;
  return rows.length === 1 ? findLiveWebhookEndpoint(db, projectId, id) : null;
}

export type WebhookDeliveryRecord = {
  id: string;
  eventId: string;
  eventType: string;
  connectedAccountId: string | null;
  status: WebhookDeliveryStatus;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  nextAttemptAt: Date;
  lastAttemptAt: Date | null;
  finishedAt: Date | null;
  createdAt: Date;
};

export async function listWebhookDeliveries(db: DbClient, endpointId: string, status: WebhookDeliveryStatus | undefined, after: string | undefined, take: number): Promise<WebhookDeliveryRecord[]> {
  return db.webhookDelivery.findMany({
    where: { endpointId, ...(status === undefined ? {} : { status }), ...afterId(after) },
    orderBy: { id: 'asc' },
    take,
    select: {
      id: true,
      eventId: true,
      eventType: true,
      connectedAccountId: true,
      status: true,
      attempts: true,
      lastStatus: true,
      lastError: true,
      nextAttemptAt: true,
      lastAttemptAt: true,
      finishedAt: true,
      createdAt: true,
    },
  });
}

/**
 * Re-arms a delivery: pending, due now, with as long a retry window as it first had. A
 * delivered one is sent once more (the receiver dedups by webhook-id). Returns its lane (whose
 * workflow is then woken), or null when not found.
 */
export async function retryWebhookDelivery(db: DbClient, endpointId: string, id: string): Promise<{ lane: number } | null> {
  const rows = await db.$queryRaw<Array<{ lane: number }>>`
    UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = CURRENT_TIMESTAMP, finished_at = NULL,
      give_up_at = CURRENT_TIMESTAMP + greatest(give_up_at - created_at, interval '1 hour')
    WHERE id = ${id} AND endpoint_id = ${endpointId} RETURNING lane`;
  return rows[0] ? { lane: Number(rows[0].lane) } : null;
}
