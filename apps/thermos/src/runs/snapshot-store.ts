import { LIVE_CONNECTION_JOINS, liveConnectionsWhere, orphanedConnectionsWhere, Prisma, transaction, type DbClient } from '@at/db';
import type { RunTarget } from '@at/common';

export type SnapshotProgress = { total: number; cursor: string | null; done: boolean };

/** Creates the run row once; later calls (retries, continued runs) find it. */
export async function ensureRun(db: DbClient, runId: string, workflowId: string): Promise<void> {
  await db.$executeRaw`INSERT INTO revoke_runs (id, workflow_id) VALUES (${runId}, ${workflowId}) ON CONFLICT (id) DO NOTHING`;
}

function pageQuery(runId: string, target: RunTarget, includeDeletedRoot: boolean, cursor: string | null, size: number): Prisma.Sql {
  if (target.kind === 'orphans') {
    const after = cursor === null ? Prisma.empty : Prisma.sql` AND ca.id > ${cursor}`;
    return Prisma.sql`SELECT ca.id AS id, NULL::int AS ord FROM ${LIVE_CONNECTION_JOINS}
    WHERE ${orphanedConnectionsWhere(target.orgId, runId)}${after}
    ORDER BY ca.id LIMIT ${size}`;
  }
  if (target.kind === 'retry') {
    const after = cursor === null ? 0 : Number(cursor);
    return Prisma.sql`SELECT i.connected_account_id AS id, i.seq AS ord FROM revoke_items i
      WHERE i.run_id = ${target.sourceRunId} AND i.outcome = 'failed' AND i.seq > ${after}
      ORDER BY i.seq LIMIT ${size}`;
  }
  const after = cursor === null ? Prisma.empty : Prisma.sql` AND ca.id > ${cursor}`;
  return Prisma.sql`SELECT ca.id AS id, NULL::int AS ord FROM ${LIVE_CONNECTION_JOINS}
    WHERE ${liveConnectionsWhere(target.scope, includeDeletedRoot)}${after}
    ORDER BY ca.id LIMIT ${size}`;
}

/**
 * Snapshots the next page of the target's connections into revoke_items. The run row is locked
 * for the page, and the cursor and total move in the same transaction as the inserted items,
 * so a re-run (a retried activity, a second worker) continues exactly where the last commit
 * stopped and never numbers an item twice.
 */
export async function snapshotNextPage(
  db: DbClient,
  runId: string,
  target: RunTarget,
  includeDeletedRoot: boolean,
  size: number,
): Promise<SnapshotProgress> {
  return transaction(
    db,
    async (tx) => {
      const [run] = await tx.$queryRaw<Array<{ total: number; snapshot_cursor: string | null; snapshot_done: boolean }>>`
        SELECT total, snapshot_cursor, snapshot_done FROM revoke_runs WHERE id = ${runId} FOR UPDATE`;
      if (!run) throw new Error(`run ${runId} does not exist`);
      if (run.snapshot_done) return { total: run.total, cursor: run.snapshot_cursor, done: true };
      const [page] = await tx.$queryRaw<Array<{ n: number; last_id: string | null; last_ord: number | null }>>`
        WITH page AS (${pageQuery(runId, target, includeDeletedRoot, run.snapshot_cursor, size)}),
        numbered AS (SELECT id, ord, row_number() OVER (ORDER BY coalesce(ord, 0), id) AS rn FROM page),
        inserted AS (
          INSERT INTO revoke_items (run_id, seq, connected_account_id)
          SELECT ${runId}, ${run.total}::int + rn::int, id FROM numbered
          RETURNING 1)
        SELECT (SELECT count(*) FROM inserted)::int AS n,
               (SELECT id FROM numbered ORDER BY rn DESC LIMIT 1) AS last_id,
               (SELECT ord FROM numbered ORDER BY rn DESC LIMIT 1) AS last_ord`;
      const added = page?.n ?? 0;
      const lastKey = target.kind === 'retry' ? (page?.last_ord != null ? String(page.last_ord) : null) : (page?.last_id ?? null);
      const cursor = lastKey ?? run.snapshot_cursor;
      const done = lastKey === null || added < size;
      const total = run.total + added;
      await tx.$executeRaw`UPDATE revoke_runs SET total = ${total}, snapshot_cursor = ${cursor}, snapshot_done = ${done} WHERE id = ${runId}`;
      return { total, cursor, done };
    },
    // a page inserts up to REVOKE_SNAPSHOT_PAGE_SIZE items
    { timeout: 120_000 },
  );
}
