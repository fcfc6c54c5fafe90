export type BackoffPolicy = { baseDelayMs: number; maxDelayMs: number };

/**
 * Delay before retry number `attempt` (1 = after the first failure): the provider's
 * Retry-After when it gave one, else exponential backoff with equal jitter (half fixed, half
 * random, so a burst of failures does not retry in lockstep). Always capped by maxDelayMs.
 */
export function retryDelayMs(attempt: number, retryAfterMs: number | null, policy: BackoffPolicy, random: () => number = Math.random): number {
  if (retryAfterMs !== null) return Math.min(retryAfterMs, policy.maxDelayMs);
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(exponential / 2 + random() * (exponential / 2));
}
