import type { DbClient } from './transaction';

/*
 * The kill switches: an operator pause (row id 'operator', or PROVIDER_CALLS_PAUSED at start-up)
 * and one per project (row id = the project id). While one applies, no provider call leaves for
 * the project: thermos checks before every call (@at/lifecycle pause-gate.ts), re-reading this table every
 * few seconds. A row exists while its pause holds.
 */

export type PauseActor = { type: 'api_key' | 'org_admin_token' | 'admin' | 'system'; id: string | null };
export type PauseRow = { kind: 'operator' | 'project'; projectId: string | null; reason: string | null; pausedAt: Date; actor: PauseActor };

export async function readPauses(db: DbClient): Promise<PauseRow[]> {
  const rows = await db.providerPause.findMany();
  return rows.map((r) => ({ kind: r.kind, projectId: r.projectId, reason: r.reason, pausedAt: r.pausedAt, actor: { type: r.actorType, id: r.actorId } }));
}

/** Pauses (operator when projectId is null); an existing pause keeps its time and reason. Returns whether this call paused. */
export async function setPause(db: DbClient, target: { orgId: string | null; projectId: string | null }, reason: string | null, actor: PauseActor): Promise<boolean> {
  const id = target.projectId ?? 'operator';
  const kind = target.projectId === null ? 'operator' : 'project';
  const n = await db.$executeRaw`INSERT INTO provider_pauses (id, kind, org_id, project_id, reason, actor_type, actor_id)
    VALUES (${id}, ${kind}::pause_kind, ${target.orgId}, ${target.projectId}, ${reason}, ${actor.type}::audit_actor_type, ${actor.id})
    ON CONFLICT (id) DO NOTHING`;
  return n === 1;
}

/** Lifts a pause; returns whether one held. */
export async function clearPause(db: DbClient, projectId: string | null): Promise<boolean> {
  const n = await db.$executeRaw`DELETE FROM provider_pauses WHERE id = ${projectId ?? 'operator'}`;
  return n === 1;
}

export type AppliedPause = { by: 'operator' | 'project'; reason: string | null; since: Date };

/** What holds a project's calls, if anything: the operator's pause wins over the project's. */
export function pauseFor(rows: readonly PauseRow[], projectId: string, operatorEnv: { paused: boolean; since: Date }): AppliedPause | null {
  const operator = rows.find((r) => r.kind === 'operator');
  if (operator) return { by: 'operator', reason: operator.reason, since: operator.pausedAt };
  if (operatorEnv.paused) return { by: 'operator', reason: 'PROVIDER_CALLS_PAUSED is set', since: operatorEnv.since };
  const project = rows.find((r) => r.kind === 'project' && r.projectId === projectId);
  return project ? { by: 'project', reason: project.reason, since: project.pausedAt } : null;
}
