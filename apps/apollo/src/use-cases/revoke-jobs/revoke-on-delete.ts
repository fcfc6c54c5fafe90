import { DependencyUnavailableError, newId, type Scope } from '@at/common';
import type { DbClient } from '@at/db';
import type { ApolloContext } from '../../context';
import { insertIntentOnce, type IntentRecord } from '../../repositories/revoke-intents';
import { ownerIdOf, type JobOwner } from './owner';
import { startIntent } from './start-intent';

export type DeleteRevocation = 'not_requested' | { job_id: string };

/** How long the reconciler leaves a new intent to the request that wrote it and tries to start it. */
export const FAST_PATH_LEASE_MS = 30_000;
/** How long a DELETE waits for Temporal before it answers 503 (the intent stands either way). */
const FAST_PATH_TIMEOUT_MS = 5_000;

/**
 * Records, inside the delete's transaction, the intent to revoke what was live under the deleted
 * entity: whatever happens next (Temporal down, apollo killed), the reconciler starts it. The
 * entity's own deleted_at is ignored by that run's snapshot.
 */
export async function recordRevokeIntent(tx: DbClient, owner: JobOwner, scope: Scope): Promise<IntentRecord> {
  const intent = {
    id: newId('ri'),
    orgId: owner.orgId,
    projectId: owner.kind === 'project' ? owner.projectId : null,
    ownerId: ownerIdOf(owner),
    target: 'scope' as const,
    scope,
    trigger: 'delete' as const,
  };
  return insertIntentOnce(tx, intent, FAST_PATH_LEASE_MS);
}

/**
 * The revocation a DELETE answers with, once its intent is committed: its job, started now
 * unless an earlier attempt already did. Temporal down is a 503 whose message says the intent
 * stands: the reconciler will start it, and the same DELETE, retried, answers with the job.
 */
export async function revocationOf(ctx: ApolloContext, intent: IntentRecord): Promise<DeleteRevocation> {
  if (intent.jobId !== null) return { job_id: intent.jobId };
  try {
    const { job } = await startIntent(ctx, intent, FAST_PATH_TIMEOUT_MS);
    return { job_id: job.id };
  } catch (error) {
    if (!(error instanceof DependencyUnavailableError)) throw error;
    throw new DependencyUnavailableError(error.dependency, {
      cause: error,
      message: `${error.dependency} is unavailable: the deletion and its revocation are recorded, and revocation starts as soon as it is back; retry this request to get the job id`,
    });
  }
}
