import { z } from 'zod';
import { NotFoundError, RUN_STATUSES, runCountsSchema, scopeSchema } from '@at/common';
import type { Job, PrismaClient } from '@at/db';
import type { RunView, ThermosClient } from '../../clients/thermos-client';
import type { JobMetadata } from './start-revoke-job';
import { ownerIdOf, type JobOwner } from './owner';

export const TRIGGERS = ['api', 'dashboard', 'delete', 'retry', 'admin'] as const;

export const jobSummarySchema = z.object({
  id: z.string(),
  scope: scopeSchema,
  trigger: z.enum(TRIGGERS),
  created_at: z.string(),
  retry_of: z.string().nullable(),
});

export const jobSchema = jobSummarySchema.extend({
  status: z.enum(RUN_STATUSES).describe("thermos's run status, verbatim"),
  counts: runCountsSchema,
  finished_at: z.string().nullable(),
});

export const createdJobSchema = jobSummarySchema.extend({ status: z.literal('running') }).extend({ deduplicated: z.boolean().describe('true when an identical scope was already running and this request joined it') });

const metadataSchema = z.object({ scope: scopeSchema, trigger: z.enum(TRIGGERS) });

export function jobMetadata(job: Job): JobMetadata {
  return metadataSchema.parse(job.metadata);
}

export function presentJobSummary(job: Job): z.infer<typeof jobSummarySchema> {
  const { scope, trigger } = jobMetadata(job);
  return { id: job.id, scope, trigger, created_at: job.createdAt.toISOString(), retry_of: job.retryOfId };
}

const NO_COUNTS = { total: 0, pending: 0, revoked: 0, already_revoked: 0, unsupported_by_provider: 0, failed: 0 };

export function presentJob(job: Job, run: RunView | null): z.infer<typeof jobSchema> {
  return {
    ...presentJobSummary(job),
    // a run Temporal no longer knows and that never wrote its row did not happen
    status: run?.status ?? 'failed',
    counts: run?.counts ?? NO_COUNTS,
    finished_at: run?.finished_at ?? null,
  };
}

/** The caller's job by id; anyone else's (or a malformed id of the wrong kind) is a 404. */
export async function loadOwnedJob(db: PrismaClient, owner: JobOwner, jobId: string): Promise<Job> {
  const job = await db.job.findUnique({ where: { id: jobId } });
  if (!job || job.deletedAt || job.ownerId !== ownerIdOf(owner)) throw new NotFoundError('revoke job');
  return job;
}

export async function jobWithRun(thermos: ThermosClient, job: Job) {
  return presentJob(job, await thermos.getRun(job.workflowId, job.runId));
}
