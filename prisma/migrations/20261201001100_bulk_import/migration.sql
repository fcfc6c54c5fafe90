-- Bulk import and a cheaper snapshot.

-- The answers of requests sent with an Idempotency-Key, per project and operation: a retried
-- request (same key, same body) gets the stored answer back and changes nothing. Written in the
-- same transaction as the change it answers, so a key is recorded exactly when its change is;
-- the primary key makes a concurrent retry wait for the first and then find its answer. Rows
-- past expires_at are free to be reused (and are deleted by the next request of the project).
-- The answer is kept as its JSON text: a retry gets back the very bytes (jsonb would reorder keys).
CREATE TABLE "idempotency_keys" (
    "project_id" TEXT NOT NULL,
    "operation" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "api_key_id" TEXT NOT NULL,
    "request_hash" TEXT NOT NULL,
    "status" INTEGER NOT NULL,
    "response" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "idempotency_keys_pkey" PRIMARY KEY ("project_id","operation","key")
);
CREATE INDEX "idempotency_keys_project_id_expires_at_idx" ON "idempotency_keys"("project_id", "expires_at");

-- revoke_items' foreign keys are kept as documentation but no longer checked row by row
-- (Postgres 18 NOT ENFORCED): they cost two index probes and a row lock (FOR KEY SHARE) per
-- item, two thirds of a 1,000,000-item snapshot. Nothing can break them: items are inserted
-- only by the snapshot, which selects them from connected_accounts in the same statement and
-- runs under a revoke_runs row inserted before it; connected accounts and runs are never
-- deleted (a deletion is deleted_at; runs stay as history), and ids never change.
ALTER TABLE "revoke_items" ALTER CONSTRAINT "revoke_items_connected_account_id_fkey" NOT ENFORCED;
ALTER TABLE "revoke_items" ALTER CONSTRAINT "revoke_items_run_id_fkey" NOT ENFORCED;
