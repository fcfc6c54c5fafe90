-- A scheduled sweep's jobs: revocation of credentials left sealed under deleted parents.
ALTER TYPE "job_trigger" ADD VALUE 'sweep';

CREATE TYPE "revoke_intent_target" AS ENUM ('scope', 'orphans');

-- The outbox of revocation: written in the same transaction as the delete that asks for it (or
-- by the sweep), turned into a run by apollo's reconciler. Pending while job_id is null.
CREATE TABLE "revoke_intents" (
    "id" TEXT NOT NULL,
    "org_id" TEXT NOT NULL,
    "project_id" TEXT,
    "owner_id" TEXT NOT NULL,
    "target" "revoke_intent_target" NOT NULL,
    "scope_type" TEXT NOT NULL,
    "scope_id" TEXT NOT NULL,
    "trigger" "job_trigger" NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "job_id" TEXT,
    "started_at" TIMESTAMPTZ(3),
    CONSTRAINT "revoke_intents_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "revoke_intents_scope_type_check" CHECK ("scope_type" IN ('org', 'project', 'auth_config', 'connected_account'))
);

CREATE UNIQUE INDEX "revoke_intents_owner_id_target_scope_type_scope_id_key" ON "revoke_intents"("owner_id", "target", "scope_type", "scope_id");
CREATE INDEX "revoke_intents_started_at_next_attempt_at_idx" ON "revoke_intents"("started_at", "next_attempt_at");

-- The sweep asks, per sealed credential under a deleted parent, whether any run covers it.
CREATE INDEX "revoke_items_connected_account_id_idx" ON "revoke_items"("connected_account_id");
