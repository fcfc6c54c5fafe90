/**
 * Names shared by apollo, the thermos worker, workflows and tests. Safe to import from workflow
 * code: no Node built-ins, no I/O.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { RunTarget } from './scope';

export const TASK_QUEUE = 'thermos-revoke';

export const WORKFLOW_TYPES = { revoke: 'revokeWorkflow', health: 'healthWorkflow' } as const;

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
