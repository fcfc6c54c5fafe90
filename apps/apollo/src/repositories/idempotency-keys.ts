import type { DbClient } from '@at/db';

/** Whose key it is and for what: keys are per project and per operation. */
export type IdempotencyScope = { projectId: string; operation: string; key: string };

export type StoredAnswer = { requestHash: string; status: number; response: unknown };

/** The live (unexpired) answer stored under a key, if any. */
export async function findIdempotentAnswer(db: DbClient, scope: IdempotencyScope): Promise<StoredAnswer | null> {
  const rows = await db.$queryRaw<Array<{ request_hash: string; status: number; response: string }>>`
    SELECT request_hash, status, response FROM idempotency_keys
    WHERE project_id = ${scope.projectId} AND operation = ${scope.operation} AND key = ${scope.key} AND expires_at > now()`;
  const row = rows[0];
  return row ? { requestHash: row.request_hash, status: row.status, response: JSON.parse(row.response) as unknown } : null;
}

/**
 * Claims a key for this request, in the caller's transaction, with the answer it will give.
 * False when a live answer is already stored under it (a concurrent request with the key waits
 * here for the first to commit or roll back). An expired row is taken over.
 */
export async function claimIdempotencyKey(
  tx: DbClient,
  scope: IdempotencyScope,
  claim: { apiKeyId: string; requestHash: string; status: number; response: unknown; ttlHours: number },
): Promise<boolean> {
  const n = await tx.$executeRaw`
    INSERT INTO idempotency_keys (project_id, operation, key, api_key_id, request_hash, status, response, expires_at)
    VALUES (${scope.projectId}, ${scope.operation}, ${scope.key}, ${claim.apiKeyId}, ${claim.requestHash}, ${claim.status},
      ${JSON.stringify(claim.response)}, now() + make_interval(hours => ${claim.ttlHours}::int))
    ON CONFLICT (project_id, operation, key) DO UPDATE SET
      api_key_id = excluded.api_key_id, request_hash = excluded.request_hash, status = excluded.status,
      response = excluded.response, created_at = now(), expires_at = excluded.expires_at
    WHERE idempotency_keys.expires_at <= now()`;
  return n === 1;
}

/** Forgets a project's expired answers (a few rows per request at most, by the index). */
export async function deleteExpiredIdempotencyKeys(db: DbClient, projectId: string): Promise<void> {
  await db.$executeRaw`DELETE FROM idempotency_keys WHERE project_id = ${projectId} AND expires_at <= now()`;
}
