/**
 * The one error hierarchy. Domain code throws these; each HTTP service maps them to the JSON
 * error shape in a single middleware (@at/http). They carry no HTTP knowledge beyond a code.
 */
export type FieldIssue = { path: string; message: string };

export abstract class DomainError extends Error {
  abstract readonly code: string;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends DomainError {
  readonly code = 'invalid_request';
  constructor(message: string, readonly fields: FieldIssue[] = []) {
    super(message);
  }
}

export class UnauthenticatedError extends DomainError {
  readonly code = 'unauthenticated';
  constructor(message = 'missing or invalid credentials') {
    super(message);
  }
}

/** Authenticated, but this request may not proceed as sent (e.g. a state change without its CSRF token). */
export class ForbiddenError extends DomainError {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

export class NotFoundError extends DomainError {
  readonly code = 'not_found';
  constructor(resource: string) {
    super(`${resource} not found`);
  }
}

export class ConflictError extends DomainError {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

/** The request is well formed but there is nothing to do (e.g. retry with no failed result). */
export class UnprocessableError extends DomainError {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

export class RateLimitedError extends DomainError {
  readonly code = 'rate_limited';
  constructor(readonly retryAfterSeconds: number) {
    super('too many requests');
  }
}

export class PayloadTooLargeError extends DomainError {
  readonly code = 'payload_too_large';
}

export class UnsupportedMediaTypeError extends DomainError {
  readonly code = 'unsupported_media_type';
}

/** A dependency (database, Temporal, thermos) failed; the caller may retry. */
export class DependencyUnavailableError extends DomainError {
  readonly code = 'dependency_unavailable';
  constructor(readonly dependency: string, options?: { cause?: unknown; message?: string }) {
    super(options?.message ?? `${dependency} is unavailable, retry later`);
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}

/**
 * A provider we depend on cannot serve the request now (unavailable, rate limited, timed out, or
 * calls to it are paused); the caller may retry after `retryAfterSeconds`.
 */
export class ProviderUnavailableError extends DomainError {
  constructor(readonly code: string, message: string, readonly retryAfterSeconds: number) {
    super(message);
  }
}

/** A provider refused a request for a reason retrying will not fix (e.g. the app's client credentials). */
export class ProviderRejectedError extends DomainError {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}
