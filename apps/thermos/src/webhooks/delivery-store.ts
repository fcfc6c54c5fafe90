import { transaction, type DbClient, type PrismaClient } from '@at/db';

/*
 * Webhook deliveries are rows: one per (event, endpoint), made by the relay from the outbox, the
 * queryable record of what was sent. Each is worked by the Temporal workflow of its endpoint's
 * lane (fixed at dispatch: a hash of the connected account), which runs one activity at a time:
 * it takes the due head of each account's queue in the lane, attempts them, and records the
 * outcome here. Per endpoint and connected account, only the oldest pending delivery is a head:
 * events arrive in order.
 */

// one relay at a time, so deliveries are made in event order
const DISPATCH_LOCK = 0x77656268; // 'wehh'

export type Lane = { endpointId: string; lane: number };

/**
 * Fans the oldest events of the outbox out to the live endpoints of their project subscribed to
 * their type (and created before them), each into the lane of its connected account (events of
 * no account: of their own id), taking them off the outbox. An org-owned job's end goes to the
 * endpoints of every project the job covered (one event: the same webhook-id at each). Returns how many events it took
 * (0 when another relay holds the lock) and the lanes that got deliveries.
 */
export async function dispatchEvents(db: PrismaClient, limit: number, retryForSeconds: number, lanes: number): Promise<{ events: number; lanes: Lane[] }> {
  return transaction(db, async (tx) => {
    const [lock] = await tx.$queryRaw<Array<{ locked: boolean }>>`SELECT pg_try_advisory_xact_lock(${DISPATCH_LOCK}) AS locked`;
    if (!lock?.locked) return { events: 0, lanes: [] };
    // taken off the queue in the transaction that fans them out: neither commits without the other
    const batch = await tx.$queryRaw<Array<{ id: string }>>`
      WITH taken AS (
        DELETE FROM event_outbox WHERE sequence IN (SELECT sequence FROM event_outbox ORDER BY sequence LIMIT ${limit})
        RETURNING sequence)
      SELECT e.id FROM taken JOIN events e ON e.sequence = taken.sequence`;
    if (batch.length === 0) return { events: 0, lanes: [] };
    const ids = batch.map((b) => b.id);
    const touched = await tx.$queryRaw<Array<{ endpoint_id: string; lane: number }>>`
      WITH fan AS (
        INSERT INTO webhook_deliveries (id, endpoint_id, event_id, event_sequence, event_type, connected_account_id, lane, give_up_at)
        SELECT at_new_id('wd'), we.id, e.id, e.sequence, e.type, e.connected_account_id,
          mod(abs(hashtext(coalesce(e.connected_account_id, e.id))::bigint), ${lanes}::int)::int,
          CURRENT_TIMESTAMP + make_interval(secs => ${retryForSeconds})
        FROM events e
        CROSS JOIN LATERAL (
          SELECT e.project_id AS project_id WHERE e.project_id IS NOT NULL
          UNION
          -- the end of an org-owned job (no project of its own): every project it covered,
          -- i.e. that held a connection of its run
          SELECT ca.project_id FROM jobs j JOIN revoke_items i ON i.run_id = j.run_id JOIN connected_accounts ca ON ca.id = i.connected_account_id
          WHERE e.project_id IS NULL AND e.type LIKE 'revoke_job.%' AND j.id = e.data->>'job_id') target
        JOIN webhook_endpoints we ON we.project_id = target.project_id
        WHERE e.id = ANY(${ids}::text[])
          AND we.deleted_at IS NULL AND we.disabled_at IS NULL AND we.created_at <= e.created_at AND (e.type = ANY(we.events) OR '*' = ANY(we.events))
        ORDER BY e.sequence
        ON CONFLICT (endpoint_id, event_id) DO NOTHING
        RETURNING endpoint_id, lane)
      SELECT DISTINCT endpoint_id, lane FROM fan`;
    return { events: batch.length, lanes: touched.map((t) => ({ endpointId: t.endpoint_id, lane: Number(t.lane) })) };
  });
}

/**
 * Lanes with a pending delivery overdue by more than `graceMs`: a live lane would have attempted
 * it, so its workflow missed a wake-up (the relay died between its commit and its signal, the
 * retry API could not reach Temporal, the workflow was terminated) and is woken again.
 */
export async function overdueLanes(db: DbClient, graceMs: number, limit: number): Promise<Lane[]> {
  const rows = await db.$queryRaw<Array<{ endpoint_id: string; lane: number }>>`
    SELECT DISTINCT endpoint_id, lane FROM webhook_deliveries
    WHERE status = 'pending' AND next_attempt_at < CURRENT_TIMESTAMP - make_interval(secs => ${graceMs / 1000})
    LIMIT ${limit}`;
  return rows.map((r) => ({ endpointId: r.endpoint_id, lane: Number(r.lane) }));
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

/**
 * Takes up to `limit` due heads of a lane (the oldest pending delivery of each account, in any
 * lane: an account whose deliveries span two lanes after WEBHOOK_LANES changed still goes in
 * order), skipping those in flight, and counts the attempt before it is made: an attempt cut
 * short by a dying worker is counted too.
 */
export async function claimDueHeads(db: DbClient, lane: Lane, limit: number, inFlight: string[]): Promise<ClaimedDelivery[]> {
  if (limit <= 0) return [];
  const rows = await db.$queryRaw<Array<Record<string, unknown>>>`
    WITH due AS MATERIALIZED (
      SELECT d.id FROM webhook_deliveries d
      WHERE d.endpoint_id = ${lane.endpointId} AND d.lane = ${lane.lane} AND d.status = 'pending' AND d.next_attempt_at <= CURRENT_TIMESTAMP
        AND d.id <> ALL(${inFlight}::text[])
        AND NOT EXISTS (
          SELECT 1 FROM webhook_deliveries p
          WHERE p.endpoint_id = d.endpoint_id AND p.connected_account_id = d.connected_account_id AND p.status = 'pending' AND p.event_sequence < d.event_sequence)
      ORDER BY d.next_attempt_at, d.event_sequence
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED),
    claimed AS (
      UPDATE webhook_deliveries d SET attempts = d.attempts + 1, last_attempt_at = CURRENT_TIMESTAMP
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

/**
 * When the lane is next due (null: nothing pending): its earliest pending delivery, or, for one
 * waiting behind an older delivery of its account in another lane, when that one is due.
 */
export async function nextDueAt(db: DbClient, lane: Lane): Promise<Date | null> {
  const [row] = await db.$queryRaw<Array<{ due: Date | null }>>`
    SELECT min(greatest(d.next_attempt_at, coalesce((
      SELECT min(p.next_attempt_at) FROM webhook_deliveries p
      WHERE p.endpoint_id = d.endpoint_id AND p.connected_account_id = d.connected_account_id AND p.status = 'pending' AND p.event_sequence < d.event_sequence), d.next_attempt_at))) AS due
    FROM webhook_deliveries d WHERE d.endpoint_id = ${lane.endpointId} AND d.lane = ${lane.lane} AND d.status = 'pending'`;
  return row?.due ?? null;
}

export type AttemptResult =
  | { kind: 'delivered'; status: number }
  | { kind: 'retry'; status: number | null; error: string; nextAttemptAt: Date }
  | { kind: 'failed'; status: number | null; error: string };

/**
 * Records an attempt, fenced by its attempt number (a delivery taken again by a retried
 * activity is the new attempt's). Returns whether it was recorded.
 */
export async function recordAttempt(db: DbClient, delivery: { id: string; attempt: number }, result: AttemptResult): Promise<boolean> {
  const status = result.kind === 'delivered' ? 'delivered' : result.kind === 'failed' ? 'failed' : 'pending';
  const error = result.kind === 'delivered' ? null : result.error.slice(0, 500);
  const next = result.kind === 'retry' ? result.nextAttemptAt : null;
  const n = await db.$executeRaw`
    UPDATE webhook_deliveries SET status = ${status}::webhook_delivery_status, last_status = ${result.status}, last_error = ${error},
      next_attempt_at = coalesce(${next}::timestamptz, next_attempt_at),
      finished_at = CASE WHEN ${status} = 'pending' THEN NULL ELSE CURRENT_TIMESTAMP END
    WHERE id = ${delivery.id} AND attempts = ${delivery.attempt} AND status = 'pending'`;
  return n === 1;
}

/** 410 Gone: the endpoint asked to receive nothing more; its pending deliveries end failed. */
export async function disableEndpoint(db: PrismaClient, endpointId: string, reason: string): Promise<void> {
  await transaction(db, async (tx) => {
    await tx.$executeRaw`UPDATE webhook_endpoints SET disabled_at = coalesce(disabled_at, CURRENT_TIMESTAMP), disabled_reason = coalesce(disabled_reason, ${reason}), updated_at = CURRENT_TIMESTAMP WHERE id = ${endpointId}`;
    await tx.$executeRaw`UPDATE webhook_deliveries SET status = 'failed', last_error = coalesce(last_error, ${reason}), finished_at = CURRENT_TIMESTAMP
      WHERE endpoint_id = ${endpointId} AND status = 'pending'`;
  });
}
