-- The event relay's queue is a table of its own: one row per event not yet fanned out, added by
-- a statement trigger in the transaction that adds the event, deleted by the relay in the
-- transaction that fans it out (webhooks/delivery-store.ts). It replaces a stamp on the event
-- (`dispatched_at`): stamping rewrote every event (its JSON data and all four of its indexes,
-- about 575 bytes of WAL) and left a dead version behind that the relay's next scans waded
-- through until a vacuum came, so each batch cost more than the one before (33 -> 50 ms per
-- 1,000 events over 270,000 in a row, measured). Events are now written once and never updated.
CREATE TABLE "event_outbox" (
    "sequence" BIGINT NOT NULL,

    CONSTRAINT "event_outbox_pkey" PRIMARY KEY ("sequence")
);

INSERT INTO "event_outbox" ("sequence") SELECT "sequence" FROM "events" WHERE "dispatched_at" IS NULL;

-- statement level with a transition table: one insert per statement, however many events it adds
CREATE FUNCTION "at_queue_events"() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO event_outbox (sequence) SELECT sequence FROM new_events;
  RETURN NULL;
END
$$;

CREATE TRIGGER "events_queue" AFTER INSERT ON "events" REFERENCING NEW TABLE AS new_events FOR EACH STATEMENT EXECUTE FUNCTION "at_queue_events"();

DROP INDEX "events_dispatched_at_sequence_idx";
ALTER TABLE "events" DROP COLUMN "dispatched_at";
