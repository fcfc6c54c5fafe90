-- The shared rate limiter's margin adapts to observed jitter (postgres-rate-limiter.ts, JITTER):
-- each process reports on the provider's row the spread of its recent slot-to-answer times, and
-- every reservation spaces its slots for the largest fresh one. NULL: nobody has reported yet.
ALTER TABLE "provider_rate_slots" ADD COLUMN "spread_ms" DOUBLE PRECISION;
ALTER TABLE "provider_rate_slots" ADD COLUMN "spread_until" TIMESTAMPTZ(3);
