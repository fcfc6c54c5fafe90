import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import {
  dedupKey,
  DependencyUnavailableError,
  newId,
  SEARCH_ATTRIBUTES,
  WORKFLOW_TYPES,
  type JobTriggerName,
  type RevokeTuning,
  type RevokeWorkflowInput,
  type RunTarget,
  type Scope,
} from '@at/common';
import type { DbClient } from '@at/db';
import type { ApolloEnv } from '../../env';
import { isTemporalUnavailable } from '../../clients/temporal-errors';
import { insertJobOnce, type JobRecord } from '../../repositories/jobs';
import { jobPrefixOf, ownerIdOf, type JobOwner } from './owner';

export type StartJobRequest = {
  owner: JobOwner;
  /** What the run covers; for a retry, the failed items of an earlier run. */
  target: RunTarget;
  /** The scope recorded on the job (for a retry, the original job's scope). */
  scope: Scope;
  trigger: JobTriggerName;
  includeDeletedRoot: boolean;
  retryOf?: string;
};

export type StartedJob = { job: JobRecord; created: boolean };

type StartedRun = { runId: string; created: boolean; starter?: { jobId: string | undefined; orgId: string | undefined; projectId: string | undefined } };

function summaryOf(request: StartJobRequest): string {
  switch (request.target.kind) {
    case 'retry':
      return 'failed items of a run';
    case 'orphans':
      return `orphaned credentials of org ${request.target.orgId}`;
    case 'scope':
      return `${request.scope.type} ${request.scope.id}`;
  }
}

async function startOrJoin(temporal: Client, taskQueue: string, workflowId: string, jobId: string, request: StartJobRequest, tuning: RevokeTuning): Promise<StartedRun> {
  const input: RevokeWorkflowInput = { target: request.target, includeDeletedRoot: request.includeDeletedRoot, jobId, tuning };
  for (let attempt = 1; ; attempt += 1) {
    try {
      const handle = await temporal.workflow.start(WORKFLOW_TYPES.revoke, {
        taskQueue,
        workflowId,
        args: [input],
        // FAIL tells us whether this call created the run; a closed run's id may be reused.
        workflowIdConflictPolicy: 'FAIL',
        workflowIdReusePolicy: 'ALLOW_DUPLICATE',
        typedSearchAttributes: [
          { key: SEARCH_ATTRIBUTES.orgId, value: request.owner.orgId },
          { key: SEARCH_ATTRIBUTES.projectId, value: request.owner.kind === 'project' ? request.owner.projectId : 'none' },
          { key: SEARCH_ATTRIBUTES.scopeKind, value: request.scope.type },
          { key: SEARCH_ATTRIBUTES.trigger, value: request.trigger },
          { key: SEARCH_ATTRIBUTES.jobId, value: jobId },
        ],
        staticSummary: `revoke ${summaryOf(request)} (${request.trigger})`,
      });
      return { runId: handle.firstExecutionRunId, created: true };
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      const description = await temporal.workflow.getHandle(workflowId).describe();
      if (description.status.name === 'RUNNING') {
        const attributes = description.typedSearchAttributes;
        return {
          runId: description.raw.workflowExecutionInfo?.firstRunId || description.runId,
          created: false,
          starter: {
            jobId: attributes.get(SEARCH_ATTRIBUTES.jobId),
            orgId: attributes.get(SEARCH_ATTRIBUTES.orgId),
            projectId: attributes.get(SEARCH_ATTRIBUTES.projectId),
          },
        };
      }
      // the run closed between our start and describe: start again
      if (attempt >= 3) throw error;
    }
  }
}

/**
 * Starts the revoke run of a target, or joins the one already in flight (the workflow id is the
 * hash of the target), then records the caller's job for that run. One job row per owner and
 * run: concurrent creates by one owner share it.
 */
export type JobStarterDeps = {
  db: DbClient;
  temporal: Client;
  env: Pick<ApolloEnv, 'TEMPORAL_TASK_QUEUE' | 'REVOKE_PAGE_SIZE' | 'REVOKE_PAGE_PARALLELISM' | 'REVOKE_MAX_PAGES_IN_FLIGHT' | 'REVOKE_SNAPSHOT_PAGE_SIZE' | 'REVOKE_SNAPSHOT_STEP_MS' | 'REVOKE_MAX_ATTEMPTS'>;
};

export async function startRevokeJob({ db, temporal, env }: JobStarterDeps, request: StartJobRequest): Promise<StartedJob> {
  const workflowId = dedupKey(request.target);
  const jobId = newId(jobPrefixOf(request.owner));
  let run: StartedRun;
  try {
    const tuning: RevokeTuning = {
      pageSize: env.REVOKE_PAGE_SIZE,
      pageParallelism: env.REVOKE_PAGE_PARALLELISM,
      maxPagesInFlight: env.REVOKE_MAX_PAGES_IN_FLIGHT,
      snapshotPageSize: env.REVOKE_SNAPSHOT_PAGE_SIZE,
      snapshotStepMs: env.REVOKE_SNAPSHOT_STEP_MS,
      maxAttempts: env.REVOKE_MAX_ATTEMPTS,
    };
    run = await startOrJoin(temporal, env.TEMPORAL_TASK_QUEUE, workflowId, jobId, request, tuning);
  } catch (error) {
    // only an unreachable Temporal is the caller's 503 to retry; anything else is a bug (a 500 with an error id)
    if (isTemporalUnavailable(error)) throw new DependencyUnavailableError('temporal', { cause: error });
    throw error;
  }
  const ownerId = ownerIdOf(request.owner);
  // A joiner with the starter's owner records the starter's job id (the one in the run's search
  // attributes), so however the inserts race, one owner and run make one job with that id.
  const starter = run.starter;
  const sameOwner =
    starter !== undefined &&
    starter.orgId === request.owner.orgId &&
    starter.projectId === (request.owner.kind === 'project' ? request.owner.projectId : 'none');
  const id = !run.created && sameOwner && starter.jobId ? starter.jobId : jobId;
  const job = await insertJobOnce(db, {
    id,
    orgId: request.owner.orgId,
    projectId: request.owner.kind === 'project' ? request.owner.projectId : null,
    ownerId,
    workflowId,
    runId: run.runId,
    scope: request.scope,
    trigger: request.trigger,
    retryOfId: request.retryOf ?? null,
  });
  return { job, created: run.created };
}
