import { LIVE_CONNECTION_JOINS, liveConnectionJoins, liveConnectionsWhere, orphanedConnectionsWhere, Prisma, transaction, type DbClient, type Tx } from '@at/db';
import type { LaneShape, RunTarget, Scope } from '@at/common';
import { catalogEntries } from '@at/providers';

/*
 * A run's snapshot is laid out in lanes. First its sources are listed: the auth configs in
 * scope, each with its provider key (what a rate ceiling applies to). A key with at least a page
 * of connections gets a lane of its own; the small ones share one lane, so an org with 10,000
 * small auth configs has one extra lane, not 10,000. Sources are then copied in lane order, so
 * each lane is one contiguous range of seq, and pages (seq ranges) never span two lanes.
 */

// As providerKeyOf (@at/providers) keys them: catalog toolkits whose OAuth credentials are
// revoked upstream (one ceiling per toolkit and client id, whatever the style: their endpoint is
// the catalog's, not the auth config's) and catalog toolkits whose OAuth credentials are not
// (nothing is called: they share the local lane, as do API keys). The built-in `oauth2` toolkit
// and unknown ones are keyed by their revocation endpoint's origin.
const ADAPTER_TOOLKITS = catalogEntries().filter((e) => !e.requiresRevocationEndpoint && e.revocations.oauth2 !== undefined && e.revocation !== 'none').map((e) => e.slug);
const LOCAL_TOOLKITS = catalogEntries().filter((e) => !e.requiresRevocationEndpoint && !ADAPTER_TOOLKITS.includes(e.slug)).map((e) => e.slug);
// API keys that are revoked upstream (SendGrid's deletes itself): keyed by the toolkit, as the
// limiter keys a call without a client id; every other API key is local
const API_KEY_TOOLKITS = catalogEntries().filter((e) => e.revocations.api_key !== undefined && e.revocations.api_key.style !== 'none').map((e) => e.slug);
const RETRYABLE = Prisma.sql`('failed', 'cancelled')`;
/** The provider key of an auth config (alias ac), as the rate limiter keys its ceilings. */
const PROVIDER_KEY = Prisma.sql`CASE
  WHEN ac.auth_scheme = 'api_key' AND ac.toolkit = ANY(${API_KEY_TOOLKITS}::text[]) THEN ac.toolkit
  WHEN ac.auth_scheme = 'api_key' OR ac.toolkit = ANY(${LOCAL_TOOLKITS}::text[]) THEN 'local'
  WHEN ac.toolkit = ANY(${ADAPTER_TOOLKITS}::text[]) THEN ac.toolkit || ':' || coalesce(ac.client_id, '')
  WHEN ac.revocation_endpoint IS NOT NULL
    THEN 'oauth2:' || lower(coalesce(substring(ac.revocation_endpoint from '^[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*'), '')) || ':' || coalesce(ac.client_id, '')
  ELSE 'local' END`;
export const SHARED_LANE_KEY = 'small providers';

export type SnapshotProgress = { total: number; done: boolean };

/** Creates the run row once; later calls (retries, continued runs) find it. */
export async function ensureRun(db: DbClient, runId: string, workflowId: string, pageSize: number, jobId: string | null = null): Promise<void> {
  await db.$executeRaw`INSERT INTO revoke_runs (id, workflow_id, page_size, job_id) VALUES (${runId}, ${workflowId}, ${pageSize}, ${jobId}) ON CONFLICT (id) DO NOTHING`;
}

/** Per auth config in the target, how many connections it holds (a scope's: up to `pageSize`), with its provider key. */
function sourceCounts(runId: string, target: RunTarget, includeDeletedRoot: boolean, pageSize: number): Prisma.Sql {
  if (target.kind === 'orphans') {
    return Prisma.sql`SELECT ac.id AS auth_config_id, ${PROVIDER_KEY} AS provider_key, count(*) AS n
      FROM ${LIVE_CONNECTION_JOINS} WHERE ${orphanedConnectionsWhere(target.orgId, runId)}
      GROUP BY ac.id`;
  }
  if (target.kind === 'retry') {
    return Prisma.sql`SELECT ac.id AS auth_config_id, ${PROVIDER_KEY} AS provider_key, count(*) AS n
      FROM revoke_items i JOIN connected_accounts ca ON ca.id = i.connected_account_id JOIN auth_configs ac ON ac.id = ca.auth_config_id
      WHERE i.run_id = ${target.sourceRunId} AND i.outcome IN ${RETRYABLE}
      GROUP BY ac.id`;
  }
  // A scope's auth configs come from auth_configs (a connection's org and project are its auth
  // config's: the foreign key holds the three), and each one's connections are counted up to a
  // page: whether its provider key fills a page is all the lanes need, and a sum of counts each
  // below the cap is exact. Counting every connection of a million took a second before the
  // run's first item.
  return Prisma.sql`SELECT ac.id AS auth_config_id, ${PROVIDER_KEY} AS provider_key, c.n
    FROM auth_configs candidate CROSS JOIN LATERAL (SELECT count(*) AS n FROM (
      SELECT 1 FROM ${LIVE_CONNECTION_JOINS} WHERE ${liveConnectionsWhere(target.scope, includeDeletedRoot)} AND ca.auth_config_id = candidate.id
      LIMIT ${pageSize}) page) c
    JOIN auth_configs ac ON ac.id = candidate.id
    WHERE ${authConfigsOfScope(target.scope)} AND c.n > 0`;
}

/** The auth configs whose connections a scope can hold (alias candidate). */
function authConfigsOfScope(scope: Scope): Prisma.Sql {
  switch (scope.type) {
    case 'org':
      return Prisma.sql`candidate.org_id = ${scope.id}`;
    case 'project':
      return Prisma.sql`candidate.project_id = ${scope.id}`;
    case 'auth_config':
      return Prisma.sql`candidate.id = ${scope.id}`;
    case 'connected_account':
      return Prisma.sql`candidate.id = (SELECT auth_config_id FROM connected_accounts WHERE id = ${scope.id})`;
  }
}

/**
 * ANALYZE connected_accounts when autovacuum is due to and has not yet: more than a tenth of its
 * rows changed since the last analysis (autovacuum's own threshold), as right after a bulk
 * import or a big run. With no or stale statistics the planner misjudges every statement of the
 * snapshot. Sampled (a few hundred ms at a million rows); a role that does not own the table
 * gets a warning from Postgres and the run goes on.
 */
async function refreshStaleConnectionStatistics(tx: Tx): Promise<void> {
  const [table] = await tx.$queryRaw<Array<{ stale: boolean }>>`
    SELECT n_mod_since_analyze >= greatest(1000, n_live_tup / 10) AS stale FROM pg_stat_user_tables WHERE relid = 'connected_accounts'::regclass`;
  if (table?.stale) await tx.$executeRawUnsafe('ANALYZE connected_accounts');
}

async function planSources(tx: Tx, runId: string, target: RunTarget, includeDeletedRoot: boolean, pageSize: number): Promise<void> {
  await refreshStaleConnectionStatistics(tx);
  await tx.$executeRaw`
    WITH counts AS (${sourceCounts(runId, target, includeDeletedRoot, pageSize)}),
    keys AS (SELECT provider_key, sum(n) AS n FROM counts GROUP BY provider_key),
    laned AS (SELECT c.auth_config_id, c.provider_key, CASE WHEN k.n >= ${pageSize} THEN c.provider_key END AS lane_key FROM counts c JOIN keys k USING (provider_key)),
    ordered AS (
      SELECT auth_config_id, lane_key,
        dense_rank() OVER (ORDER BY lane_key IS NULL, lane_key)::int AS lane,
        row_number() OVER (ORDER BY lane_key IS NULL, lane_key, provider_key, auth_config_id)::int AS position
      FROM laned),
    sources AS (
      INSERT INTO revoke_run_sources (run_id, position, auth_config_id, lane) SELECT ${runId}, position, auth_config_id, lane FROM ordered
      ON CONFLICT DO NOTHING)
    INSERT INTO revoke_lanes (run_id, lane, provider_key)
    SELECT DISTINCT ${runId}, lane, coalesce(lane_key, ${SHARED_LANE_KEY}) FROM ordered
    ON CONFLICT DO NOTHING`;
  await tx.$executeRaw`UPDATE revoke_runs SET sources_planned = true WHERE id = ${runId}`;
}

/**
 * The next `size` connections of one source after `cursor`, in id order, each with whether it
 * is in the run (`live`). They are read from the source's index alone and checked on the page:
 * joined and filtered in one query, the planner (misjudging the small tables' joins, or with no
 * statistics for connections just imported) sorted every remaining connection of the source for
 * each page, which made a snapshot quadratic in its size. A retry reads revoked connections too
 * (its source run's failures are retried whatever became of them since).
 */
function sourcePage(runId: string, target: RunTarget, includeDeletedRoot: boolean, authConfigId: string, cursor: string, size: number): Prisma.Sql {
  const unrevoked = target.kind === 'retry' ? Prisma.empty : Prisma.sql` AND status <> 'revoked'`;
  const scanned = Prisma.sql`(SELECT id, org_id, project_id, auth_config_id, status, deleted_at FROM connected_accounts
    WHERE auth_config_id = ${authConfigId} AND id > ${cursor}${unrevoked} ORDER BY id LIMIT ${size})`;
  const inRun =
    target.kind === 'orphans'
      ? orphanedConnectionsWhere(target.orgId, runId)
      : target.kind === 'retry'
        ? Prisma.sql`EXISTS (SELECT 1 FROM revoke_items i WHERE i.run_id = ${target.sourceRunId} AND i.connected_account_id = ca.id AND i.outcome IN ${RETRYABLE})`
        : liveConnectionsWhere(target.scope, includeDeletedRoot);
  return Prisma.sql`SELECT ca.id, (${inRun}) AS live FROM ${liveConnectionJoins(scanned)}`;
}

/** Pages of each lane, numbered lane after lane, once the snapshot is done (or cut short by the run ending). */
export async function planPages(db: DbClient, runId: string): Promise<{ pages: number; lanes: number }> {
  await db.$executeRaw`
    WITH sized AS (
      SELECT l.lane, CASE WHEN l.first_seq IS NULL THEN 0 ELSE (l.last_seq - l.first_seq) / r.page_size + 1 END AS pages
      FROM revoke_lanes l JOIN revoke_runs r ON r.id = l.run_id WHERE l.run_id = ${runId}),
    placed AS (SELECT lane, pages, (coalesce(sum(pages) OVER (ORDER BY lane ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0))::int AS first_page FROM sized)
    UPDATE revoke_lanes l SET pages = placed.pages, first_page = placed.first_page FROM placed WHERE l.run_id = ${runId} AND l.lane = placed.lane`;
  const [row] = await db.$queryRaw<Array<{ pages: number; lanes: number }>>`
    UPDATE revoke_runs r SET pages = t.pages, lanes = t.lanes
    FROM (SELECT coalesce(sum(pages), 0)::int AS pages, (count(*) FILTER (WHERE pages > 0))::int AS lanes FROM revoke_lanes WHERE run_id = ${runId}) t
    WHERE r.id = ${runId} RETURNING t.pages, t.lanes`;
  return { pages: row?.pages ?? 0, lanes: row?.lanes ?? 0 };
}

/** How many connections a snapshot transaction reads at most, in pages of its size. */
const SCAN_ALLOWANCE = 4;

/**
 * Snapshots the next `size` connections of the target into revoke_items, source after source.
 * The run row is locked for the page, and the cursor (source position and last id) and total
 * move in the same transaction as the inserted items, so a re-run (a retried activity, a second
 * worker) continues exactly where the last commit stopped and never numbers an item twice.
 */
export async function snapshotNextPage(db: DbClient, runId: string, target: RunTarget, includeDeletedRoot: boolean, size: number): Promise<SnapshotProgress> {
  return transaction(
    db,
    async (tx) => {
      const [run] = await tx.$queryRaw<
        Array<{ total: number; snapshot_cursor: string | null; snapshot_done: boolean; sources_planned: boolean; snapshot_source: number; page_size: number; closing: boolean }>
      >`SELECT total, snapshot_cursor, snapshot_done, sources_planned, snapshot_source, page_size, closing FROM revoke_runs WHERE id = ${runId} FOR UPDATE`;
      if (!run) throw new RunMissingError(runId);
      // a run being closed takes no more items
      if (run.snapshot_done || run.closing) return { total: run.total, done: true };
      if (!run.sources_planned) await planSources(tx, runId, target, includeDeletedRoot, run.page_size);
      let { total, snapshot_source: position } = run;
      let cursor = run.snapshot_cursor ?? '';
      let room = size;
      let done = false;
      // connections read but not in the run (under a deleted project, say) count too, so a
      // transaction stays bounded however few of a source's connections are live
      let reads = SCAN_ALLOWANCE * size;
      for (;;) {
        const requested = room;
        const [source] = await tx.$queryRaw<Array<{ auth_config_id: string; lane: number }>>`
          SELECT auth_config_id, lane FROM revoke_run_sources WHERE run_id = ${runId} AND position = ${position}`;
        if (!source) {
          done = true;
          break;
        }
        // checked once the source is known, so a run past its last source is always done
        if (room <= 0 || reads <= 0) break;
        const [page] = await tx.$queryRaw<Array<{ n: number; scanned: number; last_id: string | null }>>`
          WITH page AS MATERIALIZED (${sourcePage(runId, target, includeDeletedRoot, source.auth_config_id, cursor, room)}),
          numbered AS (SELECT id, row_number() OVER (ORDER BY id) AS rn FROM page WHERE live),
          inserted AS (INSERT INTO revoke_items (run_id, seq, connected_account_id) SELECT ${runId}, ${total}::int + rn::int, id FROM numbered RETURNING 1)
          SELECT (SELECT count(*) FROM inserted)::int AS n, (SELECT count(*) FROM page)::int AS scanned, (SELECT max(id) FROM page) AS last_id`;
        const added = page?.n ?? 0;
        const scanned = page?.scanned ?? 0;
        reads -= scanned;
        if (added > 0) {
          // A lane's first items number its first page: every lane before it is complete (lanes
          // are copied in order), so it follows the last one that holds items, as planPages would
          // number it at the end. Its pages can then run while the snapshot goes on.
          await tx.$executeRaw`
            UPDATE revoke_lanes l SET first_seq = coalesce(l.first_seq, ${total + 1}), last_seq = ${total + added},
              first_page = CASE WHEN l.first_seq IS NOT NULL THEN l.first_page ELSE coalesce((
                SELECT p.first_page + (p.last_seq - p.first_seq) / ${run.page_size}::int + 1 FROM revoke_lanes p
                WHERE p.run_id = l.run_id AND p.lane < l.lane AND p.first_seq IS NOT NULL ORDER BY p.lane DESC LIMIT 1), 0) END
            WHERE l.run_id = ${runId} AND l.lane = ${source.lane}`;
          total += added;
          room -= added;
        }
        cursor = page?.last_id ?? cursor;
        if (scanned < requested) {
          // this source is exhausted: on to the next
          position += 1;
          cursor = '';
        }
      }
      await tx.$executeRaw`UPDATE revoke_runs SET total = ${total}, snapshot_source = ${position}, snapshot_cursor = ${cursor === '' ? null : cursor}, snapshot_done = ${done} WHERE id = ${runId}`;
      if (done) await planPages(tx, runId);
      return { total, done };
    },
    // a page inserts up to REVOKE_SNAPSHOT_PAGE_SIZE items
    { timeout: 120_000 },
  );
}

/** A run this small leaves the planner's statistics as they are. */
const ANALYZE_AFTER_ITEMS = 1_000;

/**
 * Refreshes the planner's statistics of revoke_items once a snapshot has added `total` items.
 * Right after a big insert the table has none for them, and the page's statements were then
 * planned as a scan of every item of the run for each batch of outcomes (a bitmap scan on
 * run_id, filtering out all but the batch: linear in the run's size). ANALYZE samples a bounded
 * number of rows, whatever the table's size; it also replaces the cached plans of the prepared
 * statements. Best effort: without it the run is slower, not wrong.
 */
export async function analyzeItems(db: DbClient, total: number): Promise<boolean> {
  if (total < ANALYZE_AFTER_ITEMS) return false;
  await db.$executeRawUnsafe('ANALYZE revoke_items');
  return true;
}

/**
 * The lanes of a run as they stand, with `pages` counted as a page may run: a lane the snapshot
 * is still copying (the one its cursor is in, and those after it) counts only its full pages and
 * is `open`; a lane it is done with (or every lane, once the run is done snapshotting or closing)
 * counts its last, partial page too, as planPages numbers them.
 */
function laneShapes(runId: string): Prisma.Sql {
  return Prisma.sql`
    SELECT l.lane, l.first_seq, l.last_seq, l.first_page, o.open,
      CASE WHEN l.first_seq IS NULL THEN 0
        WHEN o.open THEN (l.last_seq - l.first_seq + 1) / r.page_size
        ELSE (l.last_seq - l.first_seq) / r.page_size + 1 END AS pages
    FROM revoke_lanes l JOIN revoke_runs r ON r.id = l.run_id
    CROSS JOIN LATERAL (SELECT NOT (r.snapshot_done OR r.closing) AND l.lane >= coalesce(
      (SELECT s.lane FROM revoke_run_sources s WHERE s.run_id = r.id AND s.position = r.snapshot_source), 0) AS open) o
    WHERE l.run_id = ${runId}`;
}

type LaneShapeRow = { lane: number; first_seq: number | null; last_seq: number | null; first_page: number; open: boolean; pages: number };

const shapeOf = (r: LaneShapeRow): LaneShape => ({ lane: r.lane, firstSeq: r.first_seq ?? 0, lastSeq: r.last_seq ?? 0, firstPage: r.first_page, pages: r.pages, ...(r.open ? { open: true } : {}) });

/** The next lanes of a run that have pages to run, after lane `afterLane`. */
export async function loadLanes(db: DbClient, runId: string, afterLane: number, limit: number): Promise<LaneShape[]> {
  const rows = await db.$queryRaw<LaneShapeRow[]>`
    SELECT * FROM (${laneShapes(runId)}) s WHERE s.lane > ${afterLane} AND s.pages > 0 ORDER BY s.lane LIMIT ${limit}`;
  return rows.map(shapeOf);
}

export type LaneProgress = { lanes: number; pages: number; shapes: LaneShape[] };

/**
 * How far a run's lanes are: how many have pages to run and how many pages they hold, with the
 * shapes of the lanes `held` (refreshed: a lane held open may have grown or been completed) and
 * of the next `limit` lanes with pages after `afterLane`.
 */
export async function laneProgress(db: DbClient, runId: string, held: number[], afterLane: number, limit: number): Promise<LaneProgress> {
  const [totals] = await db.$queryRaw<Array<{ lanes: number; pages: number }>>`
    SELECT (count(*) FILTER (WHERE s.pages > 0))::int AS lanes, coalesce(sum(s.pages), 0)::int AS pages FROM (${laneShapes(runId)}) s`;
  const rows = await db.$queryRaw<LaneShapeRow[]>`
    (SELECT * FROM (${laneShapes(runId)}) s WHERE s.lane = ANY(${held}::int[]))
    UNION ALL
    (SELECT * FROM (${laneShapes(runId)}) s WHERE s.lane > ${afterLane} AND s.pages > 0 AND NOT s.lane = ANY(${held}::int[]) ORDER BY s.lane LIMIT ${limit})`;
  return { lanes: totals?.lanes ?? 0, pages: totals?.pages ?? 0, shapes: rows.map(shapeOf) };
}

/** The run row is gone: nothing this run does can be recorded (a permanent failure). */
export class RunMissingError extends Error {
  constructor(runId: string) {
    super(`run ${runId} does not exist`);
    this.name = 'RunMissingError';
  }
}
