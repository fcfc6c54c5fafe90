/**
 * Names shared by apollo, the thermos worker, workflows and tests. Safe to import from workflow
 * code: no Node built-ins, no I/O.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { RunTarget } from './scope';

export const TASK_QUEUE = 'thermos-revoke';

export const WORKFLOW_TYPES = {
  revoke: 'revokeWorkflow',
  health: 'healthWorkflow',
  sweep: 'sweepWorkflow',
  refreshAhead: 'refreshAheadWorkflow',
  webhookLane: 'webhookLaneWorkflow',
} as const;

/** The Temporal Schedule of the orphan sweep: one per task queue, so deployments sharing a namespace keep their own. */
export const sweepScheduleId = (taskQueue: string): string => `revoke-sweep-${taskQueue}`;

export const SEARCH_ATTRIBUTES = {
  orgId: defineSearchAttributeKey('AtOrgId', SearchAttributeType.KEYWORD),
  projectId: defineSearchAttributeKey('AtProjectId', SearchAttributeType.KEYWORD),
  scopeKind: defineSearchAttributeKey('AtScopeKind', SearchAttributeType.KEYWORD),
  trigger: defineSearchAttributeKey('AtTrigger', SearchAttributeType.KEYWORD),
  jobId: defineSearchAttributeKey('AtJobId', SearchAttributeType.KEYWORD),
} as const;

/** The names alone (tests look the attributes up by name); temporal/search-attributes.json is checked against SEARCH_ATTRIBUTES. */
export const SEARCH_ATTRIBUTE_NAMES = Object.values(SEARCH_ATTRIBUTES).map((key) => key.name);

/** What started a job: the surface it was created on, a DELETE, a retry, the admin API or the scheduled sweep. */
export const JOB_TRIGGERS = ['api', 'dashboard', 'delete', 'retry', 'admin', 'sweep'] as const;
export type JobTriggerName = (typeof JOB_TRIGGERS)[number];

export type RevokeWorkflowInput = {
  target: RunTarget;
  /**
   * For jobs started by a DELETE with revoke_on_delete: the scope root was soft-deleted by the
   * same request, so its own deleted_at is ignored; everything else must still be live.
   */
  includeDeletedRoot: boolean;
  /** The starter's job id: a connection's `connected_account.revoked` event names it (absent in runs started before it existed). */
  jobId?: string;
  /** Set when continuing as new: where the run's lanes stand. */
  resume?: RevokeResume;
  /** Overrides of the defaults below (tests and benchmarks). */
  tuning?: Partial<RevokeTuning>;
};

/**
 * One lane of a run: the pages of one provider key (or of several small ones merged), pages
 * `firstPage .. firstPage + pages - 1` covering seqs `firstSeq .. lastSeq`. `started` counts
 * the lane's pages scheduled so far; `redo` lists pages (by index in the lane) that were
 * stopped before they finished (to continue as new) and must run again. `open`: the snapshot is
 * still copying this lane, so `pages` counts only its full pages so far and more may come.
 */
export type LaneCursor = { lane: number; firstSeq: number; lastSeq: number; firstPage: number; pages: number; started: number; redo: number[]; open?: boolean };

/** A lane as Postgres holds it (what loadLanes and a snapshot step return). */
export type LaneShape = Omit<LaneCursor, 'started' | 'redo'>;

/**
 * Where a streamed snapshot stands, carried while it is still running: the item count at which
 * the planner's statistics of revoke_items were last refreshed.
 */
export type SnapshotCursor = { analyzedAt: number };

/**
 * What a continued run carries: the lanes in progress (at most `maxPagesInFlight` of them), the
 * last lane loaded from Postgres and how many have been, and totals for progress (while the
 * snapshot runs, the lanes and pages known so far). The list of lanes stays in Postgres.
 * `snapshot` is set while the snapshot is still running (pages then run beside it).
 */
export type RevokeResume = { lanes: LaneCursor[]; laneCursor: number; lanesLoaded: number; lanesTotal: number; pageCount: number; pagesDone: number; snapshot?: SnapshotCursor };

export type RevokeTuning = {
  /** Connections per page activity. */
  pageSize: number;
  /** Page activities in flight at once in one lane (one provider key). */
  pageParallelism: number;
  /** Page activities in flight at once for the whole run, across its lanes. */
  maxPagesInFlight: number;
  /** Connections per snapshot transaction. */
  snapshotPageSize: number;
  /**
   * How long one snapshot step runs (transactions of snapshotPageSize, back to back) before it
   * reports the pages it has made ready; the first step reports after its first transaction.
   */
  snapshotStepMs: number;
  /** Attempts of each step (snapshot, page) before the run fails with retries_exhausted. */
  maxAttempts: number;
};

export const DEFAULT_REVOKE_TUNING: RevokeTuning = { pageSize: 500, pageParallelism: 4, maxPagesInFlight: 8, snapshotPageSize: 10_000, snapshotStepMs: 2_000, maxAttempts: 10 };

export type RevokeWorkflowResult = { runId: string; total: number; pages: number };

/** The Schedule that runs refresh ahead, one per task queue (deployment), and its workflow id. */
export const refreshAheadScheduleId = (taskQueue: string): string => `refresh-ahead:${taskQueue}`;

export type RefreshAheadInput = {
  /** Refresh active credentials whose access token expires within this many seconds. */
  horizonSeconds: number;
  /** Credentials per page activity. */
  pageSize: number;
  /** Set when continuing as new: where the run started, its keyset cursor and its totals so far. */
  resume?: { startedAt: string; cursor: RefreshAheadCursor | null; totals: RefreshAheadCounts };
};

/** Keyset position in (expires_at, connected account id) order. */
export type RefreshAheadCursor = { expiresAt: string; id: string };

export type RefreshAheadCounts = {
  /** credentials looked at */
  seen: number;
  refreshed: number;
  needs_reauth: number;
  /** failed without proof the grant is gone (status unchanged; backed off) */
  failed: number;
  /** nothing done: refreshed meanwhile by a vend, lease held, paused, or no refresh token */
  skipped: number;
};

export const ZERO_REFRESH_AHEAD_COUNTS: RefreshAheadCounts = { seen: 0, refreshed: 0, needs_reauth: 0, failed: 0, skipped: 0 };

/**
 * Webhook deliveries run on a task queue of their own (`<task queue>-webhooks`), so a burst of
 * deliveries never waits behind hours-long revoke pages for an activity slot, nor holds them up.
 */
export const webhookTaskQueue = (taskQueue: string): string => `${taskQueue}-webhooks`;

/**
 * One lane of an endpoint: its deliveries of the connected accounts hashed to `lane` (fixed at
 * dispatch, kept on the delivery row), so an account's events stay in one lane, in order, and an
 * endpoint has at most WEBHOOK_LANES workflows.
 */
export const webhookLaneWorkflowId = (endpointId: string, lane: number): string => `webhooks-${endpointId}-${lane}`;

/** The signal that tells a lane it has new or re-armed deliveries (sent with start: a lane that ended is started again). */
export const WEBHOOK_WAKE_SIGNAL = 'wake';

export type WebhookLaneInput = { endpointId: string; lane: number };

/** One pass of a lane's activity: how many attempts it made, and when its earliest pending delivery is due (null: none). */
export type WebhookLanePass = { attempted: number; nextDueAt: string | null };

/**
 * The options of `client.workflow.signalWithStart(WORKFLOW_TYPES.webhookLane, …)` that wake a
 * lane (starting it if it ended): the relay after a dispatch, the retry API after a re-arm.
 */
export const webhookLaneWake = (taskQueue: string, lane: WebhookLaneInput) => ({
  workflowId: webhookLaneWorkflowId(lane.endpointId, lane.lane),
  taskQueue: webhookTaskQueue(taskQueue),
  args: [lane] as [WebhookLaneInput],
  signal: WEBHOOK_WAKE_SIGNAL,
  signalArgs: [] as [],
  staticSummary: `webhook deliveries of ${lane.endpointId}, lane ${lane.lane}`,
});
