import { NotFoundError } from '@at/common';
import type { DbClient } from '@at/db';
import { findOwnedJob, type JobRecord } from '../../repositories/jobs';
import { ownerIdOf, type JobOwner } from './owner';

/** The caller's job by id; anyone else's is a 404, never a 403. */
export async function loadOwnedJob(db: DbClient, owner: JobOwner, jobId: string): Promise<JobRecord> {
  const job = await findOwnedJob(db, ownerIdOf(owner), jobId);
  if (!job) throw new NotFoundError('revoke job');
  return job;
}
