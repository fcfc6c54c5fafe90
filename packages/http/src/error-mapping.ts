import {
  ConflictError,
  DependencyUnavailableError,
  DomainError,
  ForbiddenError,
  NotFoundError,
  PayloadTooLargeError,
  ProviderRejectedError,
  ProviderUnavailableError,
  RateLimitedError,
  UnauthenticatedError,
  UnprocessableError,
  UnsupportedMediaTypeError,
  ValidationError,
  type FieldIssue,
} from '@at/common';

export type HttpError = { status: number; code: string; message: string; fields?: FieldIssue[]; headers?: Record<string, string>; expected: boolean };

// The single place where domain errors become HTTP statuses.
const STATUS_BY_CLASS: Array<[abstract new (...args: never[]) => DomainError, number]> = [
  [ValidationError, 400],
  [UnauthenticatedError, 401],
  [ForbiddenError, 403],
  [NotFoundError, 404],
  [ConflictError, 409],
  [PayloadTooLargeError, 413],
  [UnsupportedMediaTypeError, 415],
  [UnprocessableError, 422],
  [RateLimitedError, 429],
  [ProviderRejectedError, 502],
  [DependencyUnavailableError, 503],
  [ProviderUnavailableError, 503],
];

type BodyParserError = { type?: unknown; status?: unknown; statusCode?: unknown; expose?: unknown };

/** Errors raised by body-parser / express itself before a handler runs. */
function fromFrameworkError(error: BodyParserError): HttpError | undefined {
  const status = typeof error.status === 'number' ? error.status : typeof error.statusCode === 'number' ? error.statusCode : undefined;
  switch (error.type) {
    case 'entity.parse.failed':
      return { status: 400, code: 'invalid_json', message: 'request body is not valid JSON', expected: true };
    case 'entity.too.large':
      return { status: 413, code: 'payload_too_large', message: 'request body is too large', expected: true };
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return { status: 415, code: 'unsupported_media_type', message: 'unsupported body encoding or charset', expected: true };
    case 'request.aborted':
      return { status: 400, code: 'request_aborted', message: 'request aborted', expected: true };
    default:
      break;
  }
  if (status !== undefined && status >= 400 && status < 500) {
    return { status, code: status === 404 ? 'not_found' : 'bad_request', message: 'malformed request', expected: true };
  }
  return undefined;
}

export function toHttpError(error: unknown): HttpError {
  if (error instanceof DomainError) {
    const status = STATUS_BY_CLASS.find(([cls]) => error instanceof cls)?.[1] ?? 500;
    const mapped: HttpError = { status, code: error.code, message: error.message, expected: status < 500 || status === 502 || status === 503 };
    if (error instanceof ValidationError && error.fields.length > 0) mapped.fields = error.fields;
    if (error instanceof RateLimitedError) mapped.headers = { 'retry-after': String(error.retryAfterSeconds) };
    if (error instanceof DependencyUnavailableError) mapped.headers = { 'retry-after': '5' };
    if (error instanceof ProviderUnavailableError) mapped.headers = { 'retry-after': String(error.retryAfterSeconds) };
    return mapped;
  }
  if (error !== null && typeof error === 'object') {
    const framework = fromFrameworkError(error as BodyParserError);
    if (framework) return framework;
  }
  return { status: 500, code: 'internal_error', message: 'internal error', expected: false };
}
