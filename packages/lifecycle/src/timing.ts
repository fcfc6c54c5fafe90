/**
 * How long a refresh may take, and how long its lease lasts. The lease holder's whole attempt
 * (waiting for a rate-limit slot, then the provider call) has a hard deadline; the lease is
 * three deadlines long, so the call can never still be in flight when the lease lapses and the
 * write-back has two deadlines of margin. A holder killed mid-flight blocks the connection for
 * at most one lease.
 */
export type RefreshTiming = { deadlineMs: number; leaseMs: number };

export const DEFAULT_REFRESH_DEADLINE_MS = 10_000;

export function refreshTiming(deadlineMs: number = DEFAULT_REFRESH_DEADLINE_MS): RefreshTiming {
  return { deadlineMs, leaseMs: deadlineMs * 3 };
}
