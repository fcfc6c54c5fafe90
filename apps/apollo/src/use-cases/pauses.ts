import { ConflictError, NotFoundError } from '@at/common';
import { clearPause, pauseFor, readPauses, setPause, transaction, type AppliedPause, type DbClient, type PauseActor } from '@at/db';
import type { ApolloContext } from '../context';
import { findLiveProject } from '../repositories/projects';

// apollo's start: PROVIDER_CALLS_PAUSED holds from then on
const STARTED_AT = new Date();

export type PauseState = {
  operator: { paused: boolean; reason: string | null; paused_at: string | null; paused_by: PauseActor | null };
  project: { paused: boolean; reason: string | null; paused_at: string | null; paused_by: PauseActor | null };
  paused: boolean;
};

/** The pauses that hold a project's calls; the operator's reason wins when both are set. */
export async function pauseStateOf(ctx: Pick<ApolloContext, 'db' | 'env'>, projectId: string): Promise<PauseState> {
  const rows = await readPauses(ctx.db);
  const operatorRow = rows.find((r) => r.kind === 'operator');
  const projectRow = rows.find((r) => r.kind === 'project' && r.projectId === projectId);
  const operatorPaused = operatorRow !== undefined || ctx.env.PROVIDER_CALLS_PAUSED;
  return {
    operator: {
      paused: operatorPaused,
      reason: operatorRow?.reason ?? (ctx.env.PROVIDER_CALLS_PAUSED ? 'PROVIDER_CALLS_PAUSED is set' : null),
      // PROVIDER_CALLS_PAUSED alone has no row: no one paused it through the API
      paused_at: operatorRow ? operatorRow.pausedAt.toISOString() : null,
      paused_by: operatorRow?.actor ?? null,
    },
    project: {
      paused: projectRow !== undefined,
      reason: projectRow?.reason ?? null,
      paused_at: projectRow ? projectRow.pausedAt.toISOString() : null,
      paused_by: projectRow?.actor ?? null,
    },
    paused: operatorPaused || projectRow !== undefined,
  };
}

/** What holds a job's calls now: a project job's project pause or the operator's; an org job's operator pause. */
export async function pauseOfJob(ctx: Pick<ApolloContext, 'db' | 'env'>, projectId: string | null): Promise<AppliedPause | null> {
  const rows = await readPauses(ctx.db);
  const env = { paused: ctx.env.PROVIDER_CALLS_PAUSED, since: STARTED_AT };
  if (projectId !== null) return pauseFor(rows, projectId, env);
  return pauseFor(
    rows.filter((r) => r.kind === 'operator'),
    '',
    env,
  );
}

export async function pauseOperator(db: DbClient, reason: string, actor: PauseActor): Promise<boolean> {
  return setPause(db, { orgId: null, projectId: null }, reason, actor);
}

/** Lifts the API's operator pause; PROVIDER_CALLS_PAUSED is not the API's to lift. */
export async function resumeOperator(ctx: Pick<ApolloContext, 'db' | 'env'>): Promise<boolean> {
  if (ctx.env.PROVIDER_CALLS_PAUSED) throw new ConflictError('paused_by_configuration', 'provider calls are paused by PROVIDER_CALLS_PAUSED, which only a restart without it lifts');
  return clearPause(ctx.db, null);
}

export async function pauseProject(ctx: Pick<ApolloContext, 'db'>, orgId: string, projectId: string, reason: string | null, actor: PauseActor): Promise<boolean> {
  return transaction(ctx.db, async (tx) => {
    if (!(await findLiveProject(tx, orgId, projectId))) throw new NotFoundError('project');
    return setPause(tx, { orgId, projectId }, reason, actor);
  });
}

export async function resumeProject(ctx: Pick<ApolloContext, 'db'>, orgId: string, projectId: string): Promise<boolean> {
  return transaction(ctx.db, async (tx) => {
    if (!(await findLiveProject(tx, orgId, projectId))) throw new NotFoundError('project');
    return clearPause(tx, projectId);
  });
}
