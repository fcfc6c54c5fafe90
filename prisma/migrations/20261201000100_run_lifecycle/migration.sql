-- Run lifecycle: every run ends completed, failed or cancelled with one true outcome per item,
-- a connection is `revoking` only while its run may still call the provider, and a run's items
-- are grouped into lanes (one provider key each) so a slow provider never paces a fast one.

-- Nothing was sent for a cancelled item; a retry takes it again. A run can be cancelled.
ALTER TYPE "revoke_outcome" ADD VALUE 'cancelled';
ALTER TYPE "run_status" ADD VALUE 'cancelled';

-- The run that set the connection `revoking` and the status it had before: when that run ends
-- without revoking it (failed outcome, cancelled, run failed or terminated) the status goes back.
ALTER TABLE "connected_accounts" ADD COLUMN "revoking_run_id" TEXT;
ALTER TABLE "connected_accounts" ADD COLUMN "status_before_revoking" "connection_status";

-- How many times a call for the item may have reached its provider (counted before each call):
-- bounds re-sends, and tells "nothing was sent" (cancelled) from "outcome unknown".
ALTER TABLE "revoke_items" ADD COLUMN "sends" INTEGER NOT NULL DEFAULT 0;

ALTER TABLE "revoke_page_counts" ADD COLUMN "cancelled" INTEGER NOT NULL DEFAULT 0;

ALTER TABLE "revoke_runs" ADD COLUMN "page_size" INTEGER NOT NULL DEFAULT 500;
ALTER TABLE "revoke_runs" ADD COLUMN "pages" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "revoke_runs" ADD COLUMN "lanes" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "revoke_runs" ADD COLUMN "sources_planned" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "revoke_runs" ADD COLUMN "snapshot_source" INTEGER NOT NULL DEFAULT 1;
ALTER TABLE "revoke_runs" ADD COLUMN "closing" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "revoke_runs" ADD COLUMN "released_at" TIMESTAMPTZ(3);

-- A completed run held nothing when it ended; earlier failed runs are released by the reconciler.
UPDATE "revoke_runs" SET "released_at" = "finished_at" WHERE "status" = 'completed';

-- What a run snapshots: the auth configs in its scope, in lane order.
CREATE TABLE "revoke_run_sources" (
    "run_id" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "auth_config_id" TEXT NOT NULL,
    "lane" INTEGER NOT NULL,
    CONSTRAINT "revoke_run_sources_pkey" PRIMARY KEY ("run_id","position")
);

-- A run's lanes: a contiguous seq range and the pages that cover it.
CREATE TABLE "revoke_lanes" (
    "run_id" TEXT NOT NULL,
    "lane" INTEGER NOT NULL,
    "provider_key" TEXT NOT NULL,
    "first_seq" INTEGER,
    "last_seq" INTEGER,
    "first_page" INTEGER NOT NULL DEFAULT 0,
    "pages" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "revoke_lanes_pkey" PRIMARY KEY ("run_id","lane")
);

-- Connections a run still holds `revoking` (looked up when the run ends).
CREATE INDEX "connected_accounts_revoking_run_id_idx" ON "connected_accounts"("revoking_run_id");

-- Runs that may still hold connections or pending items (the reconciler's scan).
CREATE INDEX "revoke_runs_released_at_status_idx" ON "revoke_runs"("released_at", "status");

ALTER TABLE "revoke_run_sources" ADD CONSTRAINT "revoke_run_sources_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "revoke_runs"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "revoke_lanes" ADD CONSTRAINT "revoke_lanes_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "revoke_runs"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
