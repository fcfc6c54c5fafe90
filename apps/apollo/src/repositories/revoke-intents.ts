import { z } from 'zod';
import { JOB_TRIGGERS, scopeSchema, type JobTriggerName, type Scope } from '@at/common';
import { Prisma, type DbClient } from '@at/db';

/** An intent to revoke (the outbox row a delete or the sweep writes), as the use cases see it. */
export type IntentRecord = {
  id: string;
  orgId: string;
  projectId: string | null;
  ownerId: string;
  target: 'scope' | 'orphans';
  scope: Scope;
  trigger: JobTriggerName;
  attempts: number;
  jobId: string | null;
};

export type NewIntent = Omit<IntentRecord, 'attempts' | 'jobId'>;

type Row = { id: string; org_id: string; project_id: string | null; owner_id: string; target: string; scope_type: string; scope_id: string; trigger: string; attempts: number; job_id: string | null };

const rowSchema = z.object({ target: z.enum(['scope', 'orphans']), trigger: z.enum(JOB_TRIGGERS) });

function toRecord(row: Row): IntentRecord {
  const { target, trigger } = rowSchema.parse(row);
  return {
    id: row.id,
    orgId: row.org_id,
    projectId: row.project_id,
    ownerId: row.owner_id,
    target,
    scope: scopeSchema.parse({ type: row.scope_type, id: row.scope_id }),
    trigger,
    attempts: row.attempts,
    jobId: row.job_id,
  };
}

const COLUMNS = Prisma.sql`id, org_id, project_id, owner_id, target::text AS target, scope_type, scope_id, trigger::text AS trigger, attempts, job_id`;

/**
 * Records the intent unless the owner already has one for this target (a retried DELETE), and
 * returns the owner's intent either way. Until `leaseMs` from now the reconciler leaves it to
 * the caller, who tries to start it at once.
 */
export async function insertIntentOnce(db: DbClient, intent: NewIntent, leaseMs: number): Promise<IntentRecord> {
  const [inserted] = await db.$queryRaw<Row[]>`
    INSERT INTO revoke_intents (id, org_id, project_id, owner_id, target, scope_type, scope_id, trigger, next_attempt_at)
    VALUES (${intent.id}, ${intent.orgId}, ${intent.projectId}, ${intent.ownerId}, ${intent.target}::revoke_intent_target, ${intent.scope.type}, ${intent.scope.id},
      ${intent.trigger}::job_trigger, now() + ${leaseMs} * interval '1 millisecond')
    ON CONFLICT (owner_id, target, scope_type, scope_id) DO NOTHING
    RETURNING ${COLUMNS}`;
  if (inserted) return toRecord(inserted);
  // a statement of its own: it sees the row a concurrent insert committed meanwhile
  const [existing] = await db.$queryRaw<Row[]>`
    SELECT ${COLUMNS} FROM revoke_intents
    WHERE owner_id = ${intent.ownerId} AND target = ${intent.target}::revoke_intent_target AND scope_type = ${intent.scope.type} AND scope_id = ${intent.scope.id}`;
  if (!existing) throw new Error('revoke intent neither inserted nor found');
  return toRecord(existing);
}

/**
 * Claims up to `limit` pending intents that are due, for `leaseMs`: several reconcilers never
 * take the same one (SKIP LOCKED), and one that dies mid-way gives its claim back by expiry.
 */
export async function claimDueIntents(db: DbClient, limit: number, leaseMs: number): Promise<IntentRecord[]> {
  const rows = await db.$queryRaw<Row[]>`
    UPDATE revoke_intents SET next_attempt_at = now() + ${leaseMs} * interval '1 millisecond'
    WHERE id IN (
      SELECT id FROM revoke_intents WHERE started_at IS NULL AND next_attempt_at <= now()
      ORDER BY next_attempt_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)
    RETURNING ${COLUMNS}`;
  return rows.map(toRecord);
}

/** The intent has its job: nothing is left to start. */
export async function markIntentStarted(db: DbClient, id: string, jobId: string): Promise<void> {
  await db.$executeRaw`UPDATE revoke_intents SET job_id = ${jobId}, started_at = coalesce(started_at, now()), last_error = NULL WHERE id = ${id}`;
}

/** A failed start: the next try waits baseMs·2^(attempts), at most maxMs. */
export async function recordIntentFailure(db: DbClient, id: string, error: string, backoff: { baseMs: number; maxMs: number }): Promise<void> {
  await db.$executeRaw`
    UPDATE revoke_intents SET attempts = attempts + 1, last_error = ${error.slice(0, 500)},
      next_attempt_at = now() + least(${backoff.baseMs}::float8 * power(2, least(attempts, 30)), ${backoff.maxMs}::float8) * interval '1 millisecond'
    WHERE id = ${id} AND started_at IS NULL`;
}
