import { z } from 'zod';
import { errorResponseSchema } from '@at/http';
import { EMPTY_RUN_COUNTS, JOB_TRIGGERS, RUN_OUTCOMES, RUN_STATUSES, runCountsSchema, runFailureSchema, runRetryingSchema, scopeSchema } from '@at/common';
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
  status: z.enum(RUN_STATUSES).describe("thermos's run status, verbatim: running, then completed, failed or cancelled"),
  counts: runCountsSchema,
  failure: runFailureSchema.nullable().describe('why the run failed (status failed), else null'),
  retrying: runRetryingSchema.nullable(),
  finished_at: z.string().nullable(),
});

export const createdJobSchema = jobSummarySchema
  .extend({ status: z.literal('running') })
  .extend({ deduplicated: z.boolean().describe('true when an identical scope was already running and this request joined it') });

// The scope of a new job: a scope (scopeSchema) whose id may be left out, meaning the caller's
// own org (org scope) or project (project scope, platform API).
const [orgScope, projectScope, authConfigScope, connectionScope] = scopeSchema.options;
const withOptionalId = <T extends typeof orgScope | typeof projectScope | typeof authConfigScope | typeof connectionScope>(scope: T) =>
  scope.extend({ id: scope.shape.id.optional().describe("the entity's id; defaults to the caller's org (org scope) or project (project scope, platform API)") });

export const postRevokeJobsBody = z.strictObject({
  scope: z.discriminatedUnion('type', [withOptionalId(orgScope), withOptionalId(projectScope), withOptionalId(authConfigScope), withOptionalId(connectionScope)]),
  dry_run: z.boolean().default(false).describe('count what would be revoked, by provider, and change nothing'),
});

export const dryRunSchema = z.object({
  dry_run: z.literal(true),
  scope: scopeSchema,
  total: z.number().int(),
  by_provider: z.record(z.string(), z.number().int()),
});

export const resultsQuery = z.strictObject({ ...pageQueryShape, outcome: z.enum(RUN_OUTCOMES).optional() });

/** pj_ ids on the platform API, oj_ ids on the dashboard. */
export const jobIdParams = (prefix: 'pj' | 'oj') => idParam(prefix, 'revoke job');

// The answers of creating, retrying and cancelling a job: the same on both surfaces, documented once.
export const createJobResponses = {
  202: { description: 'a new run was started', schema: createdJobSchema },
  200: { description: 'joined the run already in flight for this scope (deduplicated), or a dry run', schema: z.union([createdJobSchema, dryRunSchema]) },
  400: { description: 'invalid scope', schema: errorResponseSchema },
  404: { description: "the scope is not the caller's", schema: errorResponseSchema },
};

export const retryJobResponses = {
  202: { description: 'a new job over the failed and cancelled connections', schema: createdJobSchema },
  200: { description: 'joined the retry already in flight', schema: createdJobSchema },
  404: { description: 'not found', schema: errorResponseSchema },
  409: { description: 'the job is still running', schema: errorResponseSchema },
  422: { description: 'nothing failed or was cancelled', schema: errorResponseSchema },
};

export const cancelJobResponses = {
  202: {
    description:
      'cancellation requested; the job as it stands (running until its run has wound down, then cancelled). Calls already sent finish and are recorded; connections not yet sent end `cancelled` and keep their status; jobs sharing the run (deduplicated creates) are cancelled with it; retry takes the cancelled connections.',
    schema: jobSchema,
  },
  404: { description: 'not found', schema: errorResponseSchema },
  409: { description: 'the job has already finished', schema: errorResponseSchema },
  503: { description: 'Temporal is unavailable: nothing was cancelled, retry', schema: errorResponseSchema },
};

export function presentJobSummary(job: JobRecord): z.infer<typeof jobSummarySchema> {
  return { id: job.id, scope: job.scope, trigger: job.trigger, created_at: iso(job.createdAt), retry_of: job.retryOfId, workflow_id: job.workflowId, run_id: job.runId };
}

// a run Temporal no longer knows and that never wrote its row did not happen
const NO_RUN = { code: 'workflow_missing', message: 'the run of this job is unknown to thermos and Temporal' };

export function presentJob({ job, run }: JobWithRun): z.infer<typeof jobSchema> {
  return {
    ...presentJobSummary(job),
    status: run?.status ?? 'failed',
    counts: run?.counts ?? EMPTY_RUN_COUNTS,
    failure: run ? run.failure : NO_RUN,
    retrying: run?.retrying ?? null,
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
