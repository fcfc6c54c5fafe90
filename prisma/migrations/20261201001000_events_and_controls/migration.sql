-- Events and controls: an outbox of events written in the same transaction as the change that
-- causes them and delivered to signed webhook endpoints; an append-only audit log; the switches
-- that pause every outbound provider call.

-- Ids made inside SQL statements (events written set-based, deliveries fanned out, audit rows
-- of system actions) in @at/common's format: `<prefix>_`, 10 Crockford base32 characters of
-- milliseconds, then 16 random ones.
CREATE FUNCTION "at_new_id"(prefix TEXT) RETURNS TEXT LANGUAGE plpgsql VOLATILE PARALLEL SAFE AS $$
DECLARE
  alphabet CONSTANT TEXT := '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  ms BIGINT := floor(extract(epoch FROM clock_timestamp()) * 1000);
  rnd BYTEA := uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid());
  body TEXT := '';
BEGIN
  FOR i IN 1..10 LOOP
    body := substr(alphabet, (ms % 32)::int + 1, 1) || body;
    ms := ms / 32;
  END LOOP;
  -- bytes 0-5 and 16-25 of two v4 uuids: none of them holds version or variant bits
  FOR i IN 0..15 LOOP
    body := body || substr(alphabet, get_byte(rnd, CASE WHEN i < 6 THEN i ELSE i + 10 END) % 32 + 1, 1);
  END LOOP;
  RETURN prefix || '_' || body;
END $$;

-- The starter's job id, passed in the workflow input: a connection's `revoked` event names it.
ALTER TABLE "revoke_runs" ADD COLUMN "job_id" TEXT;

-- The outbox of events. `sequence` orders them (per connected account, the order of the changes:
-- each writer of a connection locks its row); a dispatcher fans each one out to the webhook
-- endpoints subscribed to it, then stamps dispatched_at.
CREATE TABLE "events" (
    "id" TEXT NOT NULL,
    "sequence" BIGSERIAL NOT NULL,
    "org_id" TEXT NOT NULL,
    "project_id" TEXT,
    "connected_account_id" TEXT,
    "type" TEXT NOT NULL,
    "data" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "dispatched_at" TIMESTAMPTZ(3),
    CONSTRAINT "events_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "events_sequence_key" ON "events"("sequence");
CREATE INDEX "events_dispatched_at_sequence_idx" ON "events"("dispatched_at", "sequence");
CREATE INDEX "events_connected_account_id_sequence_idx" ON "events"("connected_account_id", "sequence");

-- A project's webhook endpoint. Its signing secret is sealed (see @at/vault); after a rotation
-- the previous secret keeps signing until previous_secret_expires_at.
CREATE TABLE "webhook_endpoints" (
    "id" TEXT NOT NULL,
    "org_id" TEXT NOT NULL,
    "project_id" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "events" TEXT[],
    "description" TEXT,
    "secret_sealed" JSONB NOT NULL,
    "previous_secret_sealed" JSONB,
    "previous_secret_expires_at" TIMESTAMPTZ(3),
    "disabled_at" TIMESTAMPTZ(3),
    "disabled_reason" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" TIMESTAMPTZ(3),
    CONSTRAINT "webhook_endpoints_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "webhook_endpoints_project_id_id_idx" ON "webhook_endpoints"("project_id", "id");

CREATE TYPE "webhook_delivery_status" AS ENUM ('pending', 'delivered', 'failed');

-- One event to one endpoint. Pending until a 2xx (delivered) or until it gives up (failed:
-- retries exhausted, or the endpoint disabled). claimed_until fences a delivery in flight; the
-- next event of the same connected account waits until this one is no longer pending.
CREATE TABLE "webhook_deliveries" (
    "id" TEXT NOT NULL,
    "endpoint_id" TEXT NOT NULL,
    "event_id" TEXT NOT NULL,
    "event_sequence" BIGINT NOT NULL,
    "event_type" TEXT NOT NULL,
    "connected_account_id" TEXT,
    "status" "webhook_delivery_status" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_status" INTEGER,
    "last_error" TEXT,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "claimed_until" TIMESTAMPTZ(3),
    "give_up_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_attempt_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "webhook_deliveries_endpoint_id_event_id_key" ON "webhook_deliveries"("endpoint_id", "event_id");
-- what is due, per endpoint; the head of each connected account's queue; listing by status
CREATE INDEX "webhook_deliveries_endpoint_id_status_next_attempt_at_idx" ON "webhook_deliveries"("endpoint_id", "status", "next_attempt_at");
CREATE INDEX "webhook_deliveries_endpoint_id_connected_account_id_status_event_sequence_idx" ON "webhook_deliveries"("endpoint_id", "connected_account_id", "status", "event_sequence");
CREATE INDEX "webhook_deliveries_endpoint_id_id_idx" ON "webhook_deliveries"("endpoint_id", "id");
CREATE INDEX "webhook_deliveries_status_next_attempt_at_idx" ON "webhook_deliveries"("status", "next_attempt_at");

CREATE TYPE "audit_actor_type" AS ENUM ('api_key', 'org_admin_token', 'admin', 'system');

-- Who did what to which ids, through which surface, when: every state-changing request and every
-- system action. Never a secret. Append-only: the triggers below refuse UPDATE, DELETE, TRUNCATE.
CREATE TABLE "audit_events" (
    "id" TEXT NOT NULL,
    "org_id" TEXT,
    "project_id" TEXT,
    "actor_type" "audit_actor_type" NOT NULL,
    "actor_id" TEXT,
    "action" TEXT NOT NULL,
    "targets" TEXT[],
    "surface" TEXT NOT NULL,
    "request_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "audit_events_surface_check" CHECK ("surface" IN ('api', 'dashboard', 'console', 'admin', 'system'))
);
CREATE INDEX "audit_events_org_id_id_idx" ON "audit_events"("org_id", "id");
CREATE INDEX "audit_events_project_id_id_idx" ON "audit_events"("project_id", "id");

-- Each target of an audit event, for the `target` filter.
CREATE TABLE "audit_event_targets" (
    "target_id" TEXT NOT NULL,
    "audit_event_id" TEXT NOT NULL,
    CONSTRAINT "audit_event_targets_pkey" PRIMARY KEY ("target_id", "audit_event_id")
);

CREATE FUNCTION "audit_append_only"() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit log is append-only: % on % refused', TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER "audit_events_append_only" BEFORE UPDATE OR DELETE ON "audit_events" FOR EACH ROW EXECUTE FUNCTION "audit_append_only"();
CREATE TRIGGER "audit_events_no_truncate" BEFORE TRUNCATE ON "audit_events" FOR EACH STATEMENT EXECUTE FUNCTION "audit_append_only"();
CREATE TRIGGER "audit_event_targets_append_only" BEFORE UPDATE OR DELETE ON "audit_event_targets" FOR EACH ROW EXECUTE FUNCTION "audit_append_only"();
CREATE TRIGGER "audit_event_targets_no_truncate" BEFORE TRUNCATE ON "audit_event_targets" FOR EACH STATEMENT EXECUTE FUNCTION "audit_append_only"();

CREATE TYPE "pause_kind" AS ENUM ('operator', 'project');

-- A pause of every outbound provider call: the operator's (id 'operator') or one project's (id =
-- the project id). A row exists while the pause holds; workers re-read the table every few seconds.
CREATE TABLE "provider_pauses" (
    "id" TEXT NOT NULL,
    "kind" "pause_kind" NOT NULL,
    "org_id" TEXT,
    "project_id" TEXT,
    "reason" TEXT,
    "actor_type" "audit_actor_type" NOT NULL,
    "actor_id" TEXT,
    "paused_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "provider_pauses_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "provider_pauses_kind_check" CHECK (("kind" = 'operator' AND "id" = 'operator' AND "project_id" IS NULL) OR ("kind" = 'project' AND "id" = "project_id"))
);
