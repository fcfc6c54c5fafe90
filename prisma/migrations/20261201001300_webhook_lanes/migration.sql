-- Webhook deliveries run on Temporal: one workflow per (endpoint, lane). A delivery's lane is
-- fixed when it is dispatched (a hash of its connected account, modulo WEBHOOK_LANES), so every
-- event of an account goes through one lane, in order; deliveries made before this migration
-- are in lane 0. The lease (claimed_until) is gone: a lane runs one activity at a time, and
-- Temporal retries it when its worker dies.
ALTER TABLE "webhook_deliveries" ADD COLUMN "lane" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "webhook_deliveries" DROP COLUMN "claimed_until";
-- what is due in a lane
CREATE INDEX "webhook_deliveries_endpoint_id_lane_status_next_attempt_at_idx" ON "webhook_deliveries"("endpoint_id", "lane", "status", "next_attempt_at");
