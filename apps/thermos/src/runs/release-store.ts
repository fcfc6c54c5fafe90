import type { RunStatus } from '@at/common';
import type { PrismaClient } from '@at/db';

/** How a run ended, when it did not complete: written on the run and on every item it never finished. */
export type RunEnd = { status: Exclude<RunStatus, 'running' | 'completed'>; code: string; message: string };

export const OUTCOME_UNKNOWN = 'outcome_unknown';

const RELEASE_BATCH = 2_000;

/**
 * Stops the run from claiming any more connections (markRevoking refuses once `closing` is
 * set). Returns false when the run row does not exist.
 */
export async function beginClosing(db: PrismaClient, runId: string): Promise<boolean> {
  const n = await db.$executeRaw`UPDATE revoke_runs SET closing = true WHERE id = ${runId}`;
  return n > 0;
}

/**
 * Gives every pending item of a run its true final outcome, a batch per statement, and puts the
 * connections this run still holds `revoking` back to the status they had: an item for which a
 * call may have reached the provider (sends > 0) is `failed` with `outcome_unknown`, one for
 * which nothing was sent is `cancelled`. Idempotent. Returns how many items it settled.
 */
export async function releasePendingItems(db: PrismaClient, runId: string, end: RunEnd, onBatch?: () => void): Promise<number> {
  const cancelled = end.status === 'cancelled';
  const unsentCode = cancelled ? null : end.code;
  const unsentMessage = cancelled ? 'the job was cancelled before anything was sent for this connection' : `the run ended (${end.code}) before anything was sent for this connection`;
  const unknownMessage = `the run ${cancelled ? 'was cancelled' : `ended (${end.code})`} while a call to the provider may have been in flight: its result is unknown (retry to make sure)`;
  let released = 0;
  let after = 0;
  for (;;) {
    const [row] = await db.$queryRaw<Array<{ n: number; last: number | null }>>`
      WITH target AS MATERIALIZED (
        SELECT seq, connected_account_id, sends FROM revoke_items
        WHERE run_id = ${runId} AND outcome = 'pending' AND seq > ${after} ORDER BY seq LIMIT ${RELEASE_BATCH}),
      locked_conn AS MATERIALIZED (
        SELECT id FROM connected_accounts WHERE id IN (SELECT connected_account_id FROM target) ORDER BY id FOR UPDATE),
      item AS (
        UPDATE revoke_items i SET
          outcome = CASE WHEN t.sends > 0 THEN 'failed'::revoke_outcome ELSE 'cancelled'::revoke_outcome END,
          error_code = CASE WHEN t.sends > 0 THEN ${OUTCOME_UNKNOWN}::text ELSE ${unsentCode}::text END,
          error_message = CASE WHEN t.sends > 0 THEN ${unknownMessage}::text ELSE ${unsentMessage}::text END,
          finished_at = CURRENT_TIMESTAMP
        FROM target t WHERE i.run_id = ${runId} AND i.seq = t.seq AND i.outcome = 'pending' AND (SELECT count(*) FROM locked_conn) >= 0
        RETURNING i.seq, i.connected_account_id),
      conn AS (
        UPDATE connected_accounts SET status = coalesce(status_before_revoking, 'active'), revoking_run_id = NULL, status_before_revoking = NULL
        WHERE id IN (SELECT connected_account_id FROM item) AND status = 'revoking' AND revoking_run_id = ${runId}
        RETURNING 1)
      SELECT (SELECT count(*) FROM item)::int AS n, (SELECT max(seq) FROM target) AS last`;
    onBatch?.();
    if (!row || row.last === null) break;
    released += row.n;
    after = row.last;
  }
  await releaseHeldConnections(db, runId);
  return released;
}

/**
 * Lets go of any connection still held `revoking` by this run whose item already has an
 * outcome (a zombie attempt claimed it after another attempt recorded it): back to its status.
 * Found through the run's items that were ever claimed (a claim counts a send; revoking_run_id
 * has no index, so that the revocation's own writes stay HOT updates: migration
 * 20261201001400), once per run.
 */
export async function releaseHeldConnections(db: PrismaClient, runId: string): Promise<void> {
  await db.$executeRaw`
    WITH held AS MATERIALIZED (
      SELECT ca.id FROM revoke_items i JOIN connected_accounts ca ON ca.id = i.connected_account_id
      WHERE i.run_id = ${runId} AND i.sends > 0 AND ca.revoking_run_id = ${runId} AND ca.status = 'revoking' ORDER BY ca.id FOR UPDATE OF ca)
    UPDATE connected_accounts ca SET status = coalesce(ca.status_before_revoking, 'active'), revoking_run_id = NULL, status_before_revoking = NULL
    FROM held WHERE ca.id = held.id AND ca.revoking_run_id = ${runId}`;
}

/** Recounts every page of a run from its items (after a release touched items of many pages). */
export async function recountRun(db: PrismaClient, runId: string): Promise<void> {
  await db.$executeRaw`
    INSERT INTO revoke_page_counts (run_id, page, revoked, already_revoked, unsupported_by_provider, failed, cancelled)
    SELECT ${runId}, l.first_page + (i.seq - l.first_seq) / r.page_size AS page,
      count(*) FILTER (WHERE i.outcome = 'revoked'), count(*) FILTER (WHERE i.outcome = 'already_revoked'),
      count(*) FILTER (WHERE i.outcome = 'unsupported_by_provider'), count(*) FILTER (WHERE i.outcome = 'failed'), count(*) FILTER (WHERE i.outcome = 'cancelled')
    FROM revoke_items i
    JOIN revoke_runs r ON r.id = i.run_id
    JOIN revoke_lanes l ON l.run_id = i.run_id AND i.seq BETWEEN l.first_seq AND l.last_seq
    WHERE i.run_id = ${runId}
    GROUP BY 2
    ON CONFLICT (run_id, page) DO UPDATE SET revoked = EXCLUDED.revoked, already_revoked = EXCLUDED.already_revoked,
      unsupported_by_provider = EXCLUDED.unsupported_by_provider, failed = EXCLUDED.failed, cancelled = EXCLUDED.cancelled`;
}

/** Writes how the run ended (once: a finished run keeps its first ending) and that it holds nothing any more. */
export async function markEnded(db: PrismaClient, runId: string, end: RunEnd | { status: 'completed' }): Promise<void> {
  const failure = end.status === 'failed' ? { code: end.code, message: end.message } : { code: null, message: null };
  // the run row is locked first: of two closers, only the one that sees it running writes the events
  await db.$executeRaw`
    WITH before AS MATERIALIZED (SELECT id, status FROM revoke_runs WHERE id = ${runId} FOR UPDATE),
    ended AS (
      UPDATE revoke_runs r SET status = CASE WHEN r.status = 'running' THEN ${end.status}::run_status ELSE r.status END,
        failure_code = CASE WHEN r.status = 'running' THEN ${failure.code}::text ELSE r.failure_code END,
        failure_message = CASE WHEN r.status = 'running' THEN ${failure.message}::text ELSE r.failure_message END,
        finished_at = coalesce(r.finished_at, CURRENT_TIMESTAMP), released_at = CURRENT_TIMESTAMP, closing = true
      FROM before WHERE r.id = before.id
      RETURNING r.id, r.total, r.failure_code, r.failure_message, before.status = 'running' AS now_ended),
    counts AS (
      SELECT coalesce(sum(revoked), 0) AS revoked, coalesce(sum(already_revoked), 0) AS already_revoked,
        coalesce(sum(unsupported_by_provider), 0) AS unsupported_by_provider, coalesce(sum(failed), 0) AS failed, coalesce(sum(cancelled), 0) AS cancelled
      FROM revoke_page_counts WHERE run_id = ${runId})
    -- one revoke_job.<status> event per job sharing the run, in the transaction that ends it
    INSERT INTO events (id, org_id, project_id, connected_account_id, type, data)
    SELECT at_new_id('evt'), j.org_id, j.project_id, NULL, 'revoke_job.' || ${end.status}::text,
      jsonb_build_object('job_id', j.id, 'project_id', j.project_id, 'status', ${end.status}::text,
        'counts', jsonb_build_object('total', ended.total, 'revoked', counts.revoked, 'already_revoked', counts.already_revoked,
          'unsupported_by_provider', counts.unsupported_by_provider, 'failed', counts.failed, 'cancelled', counts.cancelled),
        'failure', CASE WHEN ended.failure_code IS NULL THEN NULL ELSE jsonb_build_object('code', ended.failure_code, 'message', ended.failure_message) END)
    FROM ended CROSS JOIN counts JOIN jobs j ON j.run_id = ended.id
    WHERE ended.now_ended AND j.deleted_at IS NULL
    ORDER BY j.id`;
}
