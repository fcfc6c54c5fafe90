import { RateLimitedError } from '@at/common';

export type RateLimiter = { consume(key: string): void };

/**
 * Per-caller token bucket (in process): `perMinute` requests a minute with bursts up to a
 * tenth of that. Over the limit → 429 with Retry-After.
 */
export function createRateLimiter(perMinute: number, now: () => number = Date.now): RateLimiter {
  const capacity = Math.max(1, Math.ceil(perMinute / 10));
  const refillPerMs = perMinute / 60_000;
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    consume(key) {
      const t = now();
      const bucket = buckets.get(key) ?? { tokens: capacity, at: t };
      bucket.tokens = Math.min(capacity, bucket.tokens + (t - bucket.at) * refillPerMs);
      bucket.at = t;
      if (bucket.tokens < 1) {
        buckets.set(key, bucket);
        throw new RateLimitedError(Math.max(1, Math.ceil((1 - bucket.tokens) / refillPerMs / 1000)));
      }
      bucket.tokens -= 1;
      buckets.set(key, bucket);
      if (buckets.size > 100_000) buckets.clear();
    },
  };
}
