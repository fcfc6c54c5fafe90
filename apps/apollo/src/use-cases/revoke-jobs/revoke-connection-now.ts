import { ConflictError, DependencyUnavailableError, NotFoundError, type JobTriggerName, type RunResult } from '@at/common';
import { isTemporalUnavailable } from '../../clients/temporal-errors';
import { countLiveConnectionsByToolkit } from '@at/db';
import type { ApolloContext } from '../../context';
import type { JobOwner } from './owner';
import { connectionStatusOf } from '../../repositories/connected-accounts';
import { resolveScope } from './resolve-scope';
import { startRevokeJob } from './start-revoke-job';

/** The connection's result in its run (the run vocabulary), its status now, and the job. */
export type RevokeNowResult = Pick<RunResult, 'outcome' | 'revoked_tokens' | 'error_code' | 'error_message'> & { id: string; status: string; job_id: string | null };

const WAIT_MS = 30_000;

/**
 * Revokes one connection and waits for its outcome: the same durable run as a batch job (a
 * connected_account scope), so a concurrent job on it is joined, never doubled. The platform API
 * revokes as its project (a pj_ job); the dashboard as the org, within a project (an oj_ job).
 */
export async function revokeConnectionNow(
  ctx: ApolloContext,
  owner: JobOwner,
  connectedAccountId: string,
  options: { trigger: JobTriggerName; withinProject?: string } = { trigger: 'api' },
): Promise<RevokeNowResult> {
  const scope = await resolveScope(ctx.db, owner, { type: 'connected_account', id: connectedAccountId }, options.withinProject === undefined ? {} : { withinProject: options.withinProject });
  if ((await connectionStatusOf(ctx.db, scope.id)) === 'revoked') {
    return { id: scope.id, status: 'revoked', outcome: 'already_revoked', revoked_tokens: [], error_code: null, error_message: null, job_id: null };
  }
  const live = await countLiveConnectionsByToolkit(ctx.db, scope);
  if (Object.keys(live).length === 0) {
    throw new ConflictError('not_revocable', 'the connection is not live (its auth config or project was deleted); revoke its scope instead');
  }
  const { job } = await startRevokeJob(ctx, { owner, target: { kind: 'scope', scope }, scope, trigger: options.trigger, includeDeletedRoot: true });
  const finished = await Promise.race([
    // a run that failed or was cancelled has finished too: its item says how
    ctx.temporal.workflow
      .getHandle(job.workflowId, job.runId)
      .result()
      .then(
        () => true,
        (error: unknown) => {
          if (isTemporalUnavailable(error)) throw new DependencyUnavailableError('temporal', { cause: error });
          return true;
        },
      ),
    new Promise<false>((resolve) => setTimeout(() => resolve(false), WAIT_MS).unref()),
  ]);
  const page = finished ? await ctx.thermos.listItems(job.workflowId, job.runId, { limit: 1 }) : { items: [] };
  const item = page.items.find((i) => i.connected_account_id === scope.id);
  const status = await connectionStatusOf(ctx.db, scope.id);
  if (status === null) throw new NotFoundError('connected account');
  return {
    id: scope.id,
    status,
    outcome: item?.outcome ?? 'pending',
    revoked_tokens: item?.revoked_tokens ?? [],
    error_code: item?.error_code ?? null,
    error_message: item?.error_message ?? null,
    job_id: job.id,
  };
}
