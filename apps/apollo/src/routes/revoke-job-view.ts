import { z } from 'zod';
import { JOB_TRIGGERS, RUN_OUTCOMES, RUN_STATUSES, SCOPE_TYPES, runCountsSchema, scopeSchema } from '@at/common';
import type { JobRecord } from '../repositories/jobs';
import type { StartedJob } from '../use-cases/revoke-jobs/start-revoke-job';
import type { DryRun } from '../use-cases/revoke-jobs/create-revoke-job';
import type { JobWithRun } from '../use-cases/revoke-jobs/get-revoke-job';
import { pageQueryShape } from './paging';
import { idParam, iso } from './schemas';

/** Schemas and presenters of revoke jobs, shared by the platform (pj_) and dashboard (oj_) routes. */

export const jobSummarySchema = z.object({
  id: z.string(),
  scope: scopeSchema,
  trigger: z.enum(JOB_TRIGGERS),
  created_at: z.string(),
  retry_of: z.string().nullable(),
  workflow_id: z.string().describe('the Temporal workflow of the run (find it in the Temporal Web UI)'),
  run_id: z.string().describe('the first run id of that workflow execution'),
});

export const jobSchema = jobSummarySchema.extend({
  status: z.enum(RUN_STATUSES).describe("thermos's run status, verbatim"),
  counts: runCountsSchema,
  finished_at: z.string().nullable(),
});

export const createdJobSchema = jobSummarySchema
  .extend({ status: z.literal('running') })
  .extend({ deduplicated: z.boolean().describe('true when an identical scope was already running and this request joined it') });

const anyId = z.string().min(1).max(64).regex(/^[a-z]{2,3}_[0-9A-Z]{26}$/, 'must be an id such as prj_...');

export const postRevokeJobsBody = z.strictObject({
  scope: z.strictObject({
    type: z.enum(SCOPE_TYPES),
    id: anyId.optional().describe("the entity's id; defaults to the caller's org (org scope) or project (project scope, platform API)"),
  }),
  dry_run: z.boolean().default(false).describe('count what would be revoked, by provider, and change nothing'),
});

export const dryRunSchema = z.object({
  dry_run: z.literal(true),
  scope: z.object({ type: z.enum(SCOPE_TYPES), id: z.string() }),
  total: z.number().int(),
  by_provider: z.record(z.string(), z.number().int()),
});

export const resultsQuery = z.strictObject({ ...pageQueryShape, outcome: z.enum(RUN_OUTCOMES).optional() });

/** pj_ ids on the platform API, oj_ ids on the dashboard. */
export const jobIdParams = (prefix: 'pj' | 'oj') => idParam(prefix, 'revoke job');

export function presentJobSummary(job: JobRecord): z.infer<typeof jobSummarySchema> {
  return { id: job.id, scope: job.scope, trigger: job.trigger, created_at: iso(job.createdAt), retry_of: job.retryOfId, workflow_id: job.workflowId, run_id: job.runId };
}

const NO_COUNTS = { total: 0, pending: 0, revoked: 0, already_revoked: 0, unsupported_by_provider: 0, failed: 0 };

export function presentJob({ job, run }: JobWithRun): z.infer<typeof jobSchema> {
  return {
    ...presentJobSummary(job),
    // a run Temporal no longer knows and that never wrote its row did not happen
    status: run?.status ?? 'failed',
    counts: run?.counts ?? NO_COUNTS,
    finished_at: run?.finished_at ?? null,
  };
}

/** A job just created or joined: it is created or joined only while its run is in flight. */
export function presentStartedJob({ job, created }: StartedJob): z.infer<typeof createdJobSchema> {
  return { ...presentJobSummary(job), status: 'running', deduplicated: !created };
}

export function presentDryRun(dryRun: DryRun): z.infer<typeof dryRunSchema> {
  return { dry_run: true, scope: dryRun.scope, total: dryRun.total, by_provider: dryRun.byProvider };
}

/** 202 for a new run, 200 for one joined. */
export const startedStatus = (started: StartedJob): 200 | 202 => (started.created ? 202 : 200);
