import { z } from 'zod';
import { JOB_TRIGGERS, scopeSchema, type JobTriggerName, type Scope } from '@at/common';
import type { DbClient } from '@at/db';

/** A job as the use cases see it: ownership, the run it points at, and what it was asked to do. */
export type JobRecord = {
  id: string;
  orgId: string;
  projectId: string | null;
  ownerId: string;
  workflowId: string;
  runId: string;
  scope: Scope;
  trigger: JobTriggerName;
  retryOfId: string | null;
  createdAt: Date;
};

export type NewJob = Omit<JobRecord, 'createdAt'>;

type Row = { id: string; orgId: string; projectId: string | null; ownerId: string; workflowId: string; runId: string; metadata: unknown; retryOfId: string | null; createdAt: Date };

const jobColumns = { id: true, orgId: true, projectId: true, ownerId: true, workflowId: true, runId: true, metadata: true, retryOfId: true, createdAt: true } as const;

// {scope, trigger}: enough to rebuild a retry from the job alone, even after the scope is deleted
const metadataSchema = z.object({ scope: scopeSchema, trigger: z.enum(JOB_TRIGGERS) });

function toRecord({ metadata, ...row }: Row): JobRecord {
  const { scope, trigger } = metadataSchema.parse(metadata);
  return { ...row, scope, trigger };
}

/**
 * Records a job unless the owner already has one for this run (concurrent creates by one owner
 * share it), and returns the owner's job of the run either way.
 */
export async function insertJobOnce(db: DbClient, job: NewJob): Promise<JobRecord> {
  const { scope, trigger, ...columns } = job;
  await db.job.createMany({ data: [{ ...columns, metadata: { scope, trigger } }], skipDuplicates: true });
  const row = await db.job.findUniqueOrThrow({
    where: { ownerId_workflowId_runId: { ownerId: job.ownerId, workflowId: job.workflowId, runId: job.runId } },
    select: jobColumns,
  });
  return toRecord(row);
}

/** The live job with this id if `ownerId` owns it. */
export async function findOwnedJob(db: DbClient, ownerId: string, id: string): Promise<JobRecord | null> {
  const row = await db.job.findFirst({ where: { id, ownerId, deletedAt: null }, select: jobColumns });
  return row && toRecord(row);
}

/** The owner's jobs, newest first (ids sort by creation time), before the cursor's id. */
export async function listOwnedJobs(db: DbClient, ownerId: string, beforeId: string | undefined, take: number): Promise<JobRecord[]> {
  const rows = await db.job.findMany({
    where: { ownerId, deletedAt: null, ...(beforeId === undefined ? {} : { id: { lt: beforeId } }) },
    orderBy: { id: 'desc' },
    take,
    select: jobColumns,
  });
  return rows.map(toRecord);
}
