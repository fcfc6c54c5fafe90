-- CreateEnum
CREATE TYPE "auth_scheme" AS ENUM ('oauth2', 'api_key');
CREATE TYPE "connection_status" AS ENUM ('active', 'needs_reauth', 'revoking', 'revoked');
CREATE TYPE "revoke_outcome" AS ENUM ('pending', 'revoked', 'already_revoked', 'unsupported_by_provider', 'failed');
CREATE TYPE "run_status" AS ENUM ('running', 'completed', 'failed');
CREATE TYPE "job_trigger" AS ENUM ('api', 'dashboard', 'delete', 'retry', 'admin');

-- CreateTable
CREATE TABLE "orgs" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" TIMESTAMPTZ(3),
    CONSTRAINT "orgs_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "org_admin_tokens" (
    "id" TEXT NOT NULL,
    "org_id" TEXT NOT NULL,
    "token_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" TIMESTAMPTZ(3),
    CONSTRAINT "org_admin_tokens_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "projects" (
    "id" TEXT NOT NULL,
    "org_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" TIMESTAMPTZ(3),
    CONSTRAINT "projects_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "api_keys" (
    "id" TEXT NOT NULL,
    "project_id" TEXT NOT NULL,
    "key_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" TIMESTAMPTZ(3),
    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "auth_configs" (
    "id" TEXT NOT NULL,
    "org_id" TEXT NOT NULL,
    "project_id" TEXT NOT NULL,
    "toolkit" TEXT NOT NULL,
    "auth_scheme" "auth_scheme" NOT NULL,
    "client_id" TEXT,
    "client_secret_sealed" JSONB,
    "revocation_endpoint" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" TIMESTAMPTZ(3),
    CONSTRAINT "auth_configs_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "connected_accounts" (
    "id" TEXT NOT NULL,
    "org_id" TEXT NOT NULL,
    "project_id" TEXT NOT NULL,
    "auth_config_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "status" "connection_status" NOT NULL DEFAULT 'active',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revoked_at" TIMESTAMPTZ(3),
    "deleted_at" TIMESTAMPTZ(3),
    CONSTRAINT "connected_accounts_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "credentials" (
    "connected_account_id" TEXT NOT NULL,
    "sealed" JSONB,
    "expires_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "destroyed_at" TIMESTAMPTZ(3),
    CONSTRAINT "credentials_pkey" PRIMARY KEY ("connected_account_id")
);

CREATE TABLE "jobs" (
    "id" TEXT NOT NULL,
    "org_id" TEXT NOT NULL,
    "project_id" TEXT,
    "owner_id" TEXT NOT NULL,
    "workflow_id" TEXT NOT NULL,
    "run_id" TEXT NOT NULL,
    "metadata" JSONB NOT NULL,
    "retry_of" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" TIMESTAMPTZ(3),
    CONSTRAINT "jobs_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "revoke_runs" (
    "id" TEXT NOT NULL,
    "workflow_id" TEXT NOT NULL,
    "status" "run_status" NOT NULL DEFAULT 'running',
    "total" INTEGER NOT NULL DEFAULT 0,
    "snapshot_cursor" TEXT,
    "snapshot_done" BOOLEAN NOT NULL DEFAULT false,
    "failure_code" TEXT,
    "failure_message" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),
    CONSTRAINT "revoke_runs_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "revoke_page_counts" (
    "run_id" TEXT NOT NULL,
    "page" INTEGER NOT NULL,
    "revoked" INTEGER NOT NULL DEFAULT 0,
    "already_revoked" INTEGER NOT NULL DEFAULT 0,
    "unsupported_by_provider" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "revoke_page_counts_pkey" PRIMARY KEY ("run_id","page")
);

CREATE TABLE "revoke_items" (
    "run_id" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "connected_account_id" TEXT NOT NULL,
    "outcome" "revoke_outcome" NOT NULL DEFAULT 'pending',
    "revoked_tokens" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "error_code" TEXT,
    "error_message" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),
    CONSTRAINT "revoke_items_pkey" PRIMARY KEY ("run_id","seq")
);

CREATE TABLE "revoke_run_auth_failures" (
    "run_id" TEXT NOT NULL,
    "auth_config_id" TEXT NOT NULL,
    "error_code" TEXT NOT NULL,
    "error_message" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "revoke_run_auth_failures_pkey" PRIMARY KEY ("run_id","auth_config_id")
);

CREATE TABLE "provider_rate_slots" (
    "provider" TEXT NOT NULL,
    "next_slot_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "provider_rate_slots_pkey" PRIMARY KEY ("provider")
);

-- CreateIndex
CREATE UNIQUE INDEX "org_admin_tokens_token_hash_key" ON "org_admin_tokens"("token_hash");
CREATE INDEX "org_admin_tokens_org_id_idx" ON "org_admin_tokens"("org_id");
CREATE INDEX "projects_org_id_id_idx" ON "projects"("org_id", "id");
CREATE UNIQUE INDEX "api_keys_key_hash_key" ON "api_keys"("key_hash");
CREATE INDEX "api_keys_project_id_id_idx" ON "api_keys"("project_id", "id");
CREATE INDEX "auth_configs_project_id_id_idx" ON "auth_configs"("project_id", "id");
CREATE INDEX "auth_configs_org_id_id_idx" ON "auth_configs"("org_id", "id");
CREATE INDEX "connected_accounts_org_id_id_idx" ON "connected_accounts"("org_id", "id");
CREATE INDEX "connected_accounts_project_id_id_idx" ON "connected_accounts"("project_id", "id");
CREATE INDEX "connected_accounts_auth_config_id_id_idx" ON "connected_accounts"("auth_config_id", "id");
CREATE UNIQUE INDEX "jobs_owner_id_workflow_id_run_id_key" ON "jobs"("owner_id", "workflow_id", "run_id");
CREATE INDEX "jobs_owner_id_id_idx" ON "jobs"("owner_id", "id");
CREATE INDEX "jobs_run_id_idx" ON "jobs"("run_id");
CREATE INDEX "revoke_runs_workflow_id_idx" ON "revoke_runs"("workflow_id");
CREATE UNIQUE INDEX "revoke_items_run_id_connected_account_id_key" ON "revoke_items"("run_id", "connected_account_id");
CREATE INDEX "revoke_items_run_id_outcome_seq_idx" ON "revoke_items"("run_id", "outcome", "seq");

-- AddForeignKey
ALTER TABLE "org_admin_tokens" ADD CONSTRAINT "org_admin_tokens_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "orgs"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "projects" ADD CONSTRAINT "projects_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "orgs"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "auth_configs" ADD CONSTRAINT "auth_configs_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "connected_accounts" ADD CONSTRAINT "connected_accounts_auth_config_id_fkey" FOREIGN KEY ("auth_config_id") REFERENCES "auth_configs"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "credentials" ADD CONSTRAINT "credentials_connected_account_id_fkey" FOREIGN KEY ("connected_account_id") REFERENCES "connected_accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "revoke_items" ADD CONSTRAINT "revoke_items_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "revoke_runs"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "revoke_items" ADD CONSTRAINT "revoke_items_connected_account_id_fkey" FOREIGN KEY ("connected_account_id") REFERENCES "connected_accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Timestamps are the database's: updated_at follows every UPDATE.
CREATE FUNCTION "set_updated_at"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."updated_at" = CURRENT_TIMESTAMP;
  RETURN NEW;
END;
$$;
CREATE TRIGGER "orgs_set_updated_at" BEFORE UPDATE ON "orgs" FOR EACH ROW EXECUTE FUNCTION "set_updated_at"();
CREATE TRIGGER "projects_set_updated_at" BEFORE UPDATE ON "projects" FOR EACH ROW EXECUTE FUNCTION "set_updated_at"();
CREATE TRIGGER "auth_configs_set_updated_at" BEFORE UPDATE ON "auth_configs" FOR EACH ROW EXECUTE FUNCTION "set_updated_at"();
CREATE TRIGGER "connected_accounts_set_updated_at" BEFORE UPDATE ON "connected_accounts" FOR EACH ROW EXECUTE FUNCTION "set_updated_at"();
CREATE TRIGGER "credentials_set_updated_at" BEFORE UPDATE ON "credentials" FOR EACH ROW EXECUTE FUNCTION "set_updated_at"();
