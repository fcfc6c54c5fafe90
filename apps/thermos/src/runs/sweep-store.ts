import { newId } from '@at/common';
import type { DbClient } from '@at/db';

/**
 * Queues one sweep intent per org: apollo's reconciler turns it into the org's `sweep` job,
 * through the same start-or-join as every other job. An org's intent is one row, re-armed by
 * each sweep that finds orphans again; one still waiting for its run is left as it is.
 */
export async function queueSweepIntents(db: DbClient, orgIds: string[]): Promise<void> {
  if (orgIds.length === 0) return;
  const ids = orgIds.map(() => newId('ri'));
  await db.$executeRaw`
    INSERT INTO revoke_intents (id, org_id, project_id, owner_id, target, scope_type, scope_id, trigger)
    SELECT u.id, u.org_id, NULL, u.org_id, 'orphans', 'org', u.org_id, 'sweep' FROM unnest(${ids}::text[], ${orgIds}::text[]) AS u(id, org_id)
    ON CONFLICT (owner_id, target, scope_type, scope_id) DO UPDATE
      SET job_id = NULL, started_at = NULL, attempts = 0, last_error = NULL, next_attempt_at = now()
      WHERE revoke_intents.started_at IS NOT NULL`;
}
