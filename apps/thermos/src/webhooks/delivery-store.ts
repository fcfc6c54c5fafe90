import { transaction, type DbClient, type PrismaClient } from '@at/db';

/*
 * Webhook deliveries are rows: one per (event, endpoint), made by the dispatcher from the outbox
 * and worked by any number of workers. A worker claims due rows with SKIP LOCKED and a lease
 * (claimed_until): a worker that dies mid-delivery loses nothing, the row is claimed again when
 * its lease runs out, and sent again with the same webhook-id (at least once). Per endpoint and
 * connected account, only the oldest pending delivery may be claimed: events arrive in order.
 */

// one dispatcher at a time, so deliveries are made in event order
const DISPATCH_LOCK = 0x77656268; // 'wehh'

/**
 * Fans the oldest undispatched events out to the live endpoints of their project subscribed to
 * their type (and created before them), then stamps them dispatched. Returns how many events it
 * took (0 when another dispatcher holds the lock).
 */
export async function dispatchEvents(db: PrismaClient, limit: number, retryForSeconds: number): Promise<number> {
  return transaction(db, async (tx) => {
    const [lock] = await tx.$queryRaw<Array<{ locked: boolean }>>`SELECT pg_try_advisory_xact_lock(${DISPATCH_LOCK}) AS locked`;
    if (!lock?.locked) return 0;
    return tx.$executeRaw`
      WITH batch AS MATERIALIZED (
        SELECT id, sequence, project_id, connected_account_id, type, created_at FROM events WHERE dispatched_at IS NULL ORDER BY sequence LIMIT ${limit}),
      fan AS (
        INSERT INTO webhook_deliveries (id, endpoint_id, event_id, event_sequence, event_type, connected_account_id, give_up_at)
        SELECT at_new_id('wd'), we.id, b.id, b.sequence, b.type, b.connected_account_id, CURRENT_TIMESTAMP + make_interval(secs => ${retryForSeconds})
        FROM batch b JOIN webhook_endpoints we ON we.project_id = b.project_id
        WHERE we.deleted_at IS NULL AND we.disabled_at IS NULL AND we.created_at <= b.created_at AND (b.type = ANY(we.events) OR '*' = ANY(we.events))
        ORDER BY b.sequence
        ON CONFLICT (endpoint_id, event_id) DO NOTHING
        RETURNING 1)
      UPDATE events SET dispatched_at = CURRENT_TIMESTAMP WHERE id IN (SELECT id FROM batch) AND (SELECT count(*) FROM fan) >= 0`;
  });
}

export type ClaimedDelivery = {
  id: string;
  attempt: number;
  giveUpAt: Date;
  endpointId: string;
  url: string;
  secretSealed: unknown;
  previousSecretSealed: unknown;
  previousSecretExpiresAt: Date | null;
  endpointGone: 'deleted' | 'disabled' | null;
  eventId: string;
  eventType: string;
  eventCreatedAt: Date;
  data: unknown;
};

/** Claims up to `limit` due deliveries (the head of each account's queue), counting the attempt. */
export async function claimDueDeliveries(db: DbClient, limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
  if (limit <= 0) return [];
  const rows = await db.$queryRaw<Array<Record<string, unknown>>>`
    WITH due AS MATERIALIZED (
      SELECT d.id FROM webhook_deliveries d
      WHERE d.status = 'pending' AND d.next_attempt_at <= CURRENT_TIMESTAMP AND (d.claimed_until IS NULL OR d.claimed_until < CURRENT_TIMESTAMP)
        AND NOT EXISTS (
          SELECT 1 FROM webhook_deliveries p
          WHERE p.endpoint_id = d.endpoint_id AND p.connected_account_id = d.connected_account_id AND p.status = 'pending' AND p.event_sequence < d.event_sequence)
      ORDER BY d.next_attempt_at, d.event_sequence
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED),
    claimed AS (
      UPDATE webhook_deliveries d SET attempts = d.attempts + 1, claimed_until = CURRENT_TIMESTAMP + make_interval(secs => ${leaseMs / 1000}), last_attempt_at = CURRENT_TIMESTAMP
      FROM due WHERE d.id = due.id
      RETURNING d.id, d.attempts, d.give_up_at, d.endpoint_id, d.event_id)
    SELECT c.id, c.attempts, c.give_up_at, c.endpoint_id, we.url, we.secret_sealed, we.previous_secret_sealed, we.previous_secret_expires_at,
      CASE WHEN we.deleted_at IS NOT NULL THEN 'deleted' WHEN we.disabled_at IS NOT NULL THEN 'disabled' END AS endpoint_gone,
      e.id AS event_id, e.type, e.created_at, e.data
    FROM claimed c JOIN webhook_endpoints we ON we.id = c.endpoint_id JOIN events e ON e.id = c.event_id`;
  return rows.map((r) => ({
    id: String(r['id']),
    attempt: Number(r['attempts']),
    giveUpAt: r['give_up_at'] as Date,
    endpointId: String(r['endpoint_id']),
    url: String(r['url']),
    secretSealed: r['secret_sealed'],
    previousSecretSealed: r['previous_secret_sealed'] ?? null,
    previousSecretExpiresAt: (r['previous_secret_expires_at'] as Date | null) ?? null,
    endpointGone: (r['endpoint_gone'] as 'deleted' | 'disabled' | null) ?? null,
    eventId: String(r['event_id']),
    eventType: String(r['type']),
    eventCreatedAt: r['created_at'] as Date,
    data: r['data'],
  }));
}

export type AttemptResult =
  | { kind: 'delivered'; status: number }
  | { kind: 'retry'; status: number | null; error: string; nextAttemptAt: Date }
  | { kind: 'failed'; status: number | null; error: string };

/**
 * Records an attempt, fenced by its attempt number (a delivery claimed again after its lease ran
 * out is the new claimer's). Returns whether it was recorded.
 */
export async function recordAttempt(db: DbClient, delivery: { id: string; attempt: number }, result: AttemptResult): Promise<boolean> {
  const status = result.kind === 'delivered' ? 'delivered' : result.kind === 'failed' ? 'failed' : 'pending';
  const error = result.kind === 'delivered' ? null : result.error.slice(0, 500);
  const next = result.kind === 'retry' ? result.nextAttemptAt : null;
  const n = await db.$executeRaw`
    UPDATE webhook_deliveries SET status = ${status}::webhook_delivery_status, last_status = ${result.status}, last_error = ${error},
      next_attempt_at = coalesce(${next}::timestamptz, next_attempt_at), claimed_until = NULL,
      finished_at = CASE WHEN ${status} = 'pending' THEN NULL ELSE CURRENT_TIMESTAMP END
    WHERE id = ${delivery.id} AND attempts = ${delivery.attempt} AND status = 'pending'`;
  return n === 1;
}

/** 410 Gone: the endpoint asked to receive nothing more; its pending deliveries end failed. */
export async function disableEndpoint(db: PrismaClient, endpointId: string, reason: string): Promise<void> {
  await transaction(db, async (tx) => {
    await tx.$executeRaw`UPDATE webhook_endpoints SET disabled_at = coalesce(disabled_at, CURRENT_TIMESTAMP), disabled_reason = coalesce(disabled_reason, ${reason}), updated_at = CURRENT_TIMESTAMP WHERE id = ${endpointId}`;
    await tx.$executeRaw`UPDATE webhook_deliveries SET status = 'failed', last_error = coalesce(last_error, ${reason}), claimed_until = NULL, finished_at = CURRENT_TIMESTAMP
      WHERE endpoint_id = ${endpointId} AND status = 'pending'`;
  });
}
