import type { IntentRecord } from '../../repositories/revoke-intents';
import { markIntentStarted, recordIntentFailure } from '../../repositories/revoke-intents';
import type { JobOwner } from './owner';
import { startRevokeJob, type JobStarterDeps, type StartJobRequest, type StartedJob } from './start-revoke-job';

export type IntentStarterDeps = JobStarterDeps & { env: JobStarterDeps['env'] & { REVOKE_RECONCILE_INTERVAL_MS: number; REVOKE_INTENT_MAX_BACKOFF_MS: number } };

/** The job an intent asks for: a delete's intent covers what was live under the deleted entity. */
export function jobRequestOf(intent: IntentRecord): StartJobRequest {
  const owner: JobOwner = intent.projectId === null ? { kind: 'org', orgId: intent.orgId } : { kind: 'project', orgId: intent.orgId, projectId: intent.projectId };
  return {
    owner,
    target: intent.target === 'orphans' ? { kind: 'orphans', orgId: intent.scope.id } : { kind: 'scope', scope: intent.scope },
    scope: intent.scope,
    trigger: intent.trigger,
    includeDeletedRoot: true,
  };
}

function describe(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
}

/**
 * Starts (or joins) the run an intent asks for and records its job on the intent. The start is
 * idempotent (the workflow id is the target's hash, the job one per owner and run), so the
 * DELETE's own attempt, a retried DELETE and any number of reconcilers may race on one intent.
 * A failure is recorded on the intent (attempts, error, when to try next) and rethrown. Temporal
 * calls give up after `timeoutMs`, so an unreachable cluster answers within a bound.
 */
export async function startIntent(deps: IntentStarterDeps, intent: IntentRecord, timeoutMs: number): Promise<StartedJob> {
  try {
    const started = await deps.temporal.withDeadline(Date.now() + timeoutMs, () => startRevokeJob(deps, jobRequestOf(intent)));
    await markIntentStarted(deps.db, intent.id, started.job.id);
    return started;
  } catch (error) {
    const backoff = { baseMs: deps.env.REVOKE_RECONCILE_INTERVAL_MS, maxMs: deps.env.REVOKE_INTENT_MAX_BACKOFF_MS };
    // the database may be what failed: the claim's lease then hands the intent back anyway
    await recordIntentFailure(deps.db, intent.id, describe(error), backoff).catch(() => undefined);
    throw error;
  }
}
