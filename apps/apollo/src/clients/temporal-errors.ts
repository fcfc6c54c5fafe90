import { isGrpcServiceError } from '@temporalio/client';

// gRPC statuses that mean Temporal is not reachable or not serving right now (a retry may work):
// DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, UNAVAILABLE. Everything else (INVALID_ARGUMENT, NOT_FOUND,
// PERMISSION_DENIED, ...) is a bug or a misconfiguration, which retrying does not fix.
const UNAVAILABLE = new Set([4, 8, 14]);

/**
 * Whether an error from the Temporal client means "Temporal unavailable, retry later" (a 503)
 * rather than anything else (a 500 with an error id). Looks through the client's wrappers.
 */
export function isTemporalUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth += 1) {
    if (isGrpcServiceError(current)) return UNAVAILABLE.has(current.code);
    // the connection never became ready (the channel's waitForReady deadline)
    if (/failed to connect before the deadline/i.test(current.message)) return true;
    current = current.cause;
  }
  return false;
}
