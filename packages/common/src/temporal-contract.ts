/**
 * Names shared by apollo, the thermos worker, workflows and tests. Safe to import from workflow
 * code: no Node built-ins, no I/O.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { RunTarget } from './scope';

export const TASK_QUEUE = 'thermos-revoke';

export const WORKFLOW_TYPES = { revoke: 'revokeWorkflow', health: 'healthWorkflow', refreshAhead: 'refreshAheadWorkflow' } as const;

export const SEARCH_ATTRIBUTES = {
  orgId: defineSearchAttributeKey('AtOrgId', SearchAttributeType.KEYWORD),
  projectId: defineSearchAttributeKey('AtProjectId', SearchAttributeType.KEYWORD),
  scopeKind: defineSearchAttributeKey('AtScopeKind', SearchAttributeType.KEYWORD),
  trigger: defineSearchAttributeKey('AtTrigger', SearchAttributeType.KEYWORD),
  jobId: defineSearchAttributeKey('AtJobId', SearchAttributeType.KEYWORD),
} as const;

/** The names alone (tests look the attributes up by name); temporal/search-attributes.json is checked against SEARCH_ATTRIBUTES. */
export const SEARCH_ATTRIBUTE_NAMES = Object.values(SEARCH_ATTRIBUTES).map((key) => key.name);

/** What started a job: the surface it was created on, a DELETE, a retry or the admin API. */
export const JOB_TRIGGERS = ['api', 'dashboard', 'delete', 'retry', 'admin'] as const;
export type JobTriggerName = (typeof JOB_TRIGGERS)[number];

export type RevokeWorkflowInput = {
  target: RunTarget;
  /**
   * For jobs started by a DELETE with revoke_on_delete: the scope root was soft-deleted by the
   * same request, so its own deleted_at is ignored; everything else must still be live.
   */
  includeDeletedRoot: boolean;
  /** Set when continuing as new: the next page to schedule and the page count. */
  resume?: { nextPage: number; pageCount: number };
  /** Overrides of the defaults below (tests and benchmarks). */
  tuning?: Partial<RevokeTuning>;
};

export type RevokeTuning = {
  /** Connections per page activity. */
  pageSize: number;
  /** Page activities in flight at once for one run. */
  pageParallelism: number;
  /** Connections per snapshot transaction. */
  snapshotPageSize: number;
};

export const DEFAULT_REVOKE_TUNING: RevokeTuning = { pageSize: 500, pageParallelism: 4, snapshotPageSize: 10_000 };

export type RevokeWorkflowResult = { runId: string; total: number; pages: number };

export type RunCounts = {
  total: number;
  pending: number;
  revoked: number;
  already_revoked: number;
  unsupported_by_provider: number;
  failed: number;
};

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
