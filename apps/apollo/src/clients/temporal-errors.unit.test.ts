import { NamespaceNotFoundError, ServiceError, WorkflowNotFoundError } from '@temporalio/client';
import { isTemporalUnavailable } from './temporal-errors';

/** A gRPC error as @grpc/grpc-js raises it: an Error with code, details and metadata. */
const grpcError = (code: number, details: string) => Object.assign(new Error(`${code} ${details}`), { code, details, metadata: {} });

test('unreachable, overloaded or slow Temporal is "unavailable", however the client wraps it', () => {
  expect(isTemporalUnavailable(grpcError(14, 'No connection established'))).toBe(true);
  expect(isTemporalUnavailable(grpcError(4, 'Deadline exceeded'))).toBe(true);
  expect(isTemporalUnavailable(grpcError(8, 'namespace rate limit exceeded'))).toBe(true);
  expect(isTemporalUnavailable(new ServiceError('Failed to connect to Temporal server', { cause: grpcError(14, 'connect ECONNREFUSED') }))).toBe(true);
  expect(isTemporalUnavailable(new Error('Failed to connect before the deadline'))).toBe(true);
});

test('anything else Temporal refuses is not: a bug or a misconfiguration is no reason to retry later', () => {
  expect(isTemporalUnavailable(grpcError(3, 'invalid search attribute'))).toBe(false);
  expect(isTemporalUnavailable(grpcError(7, 'permission denied'))).toBe(false);
  expect(isTemporalUnavailable(new ServiceError('Failed to start workflow', { cause: grpcError(3, 'invalid argument') }))).toBe(false);
  expect(isTemporalUnavailable(new NamespaceNotFoundError('nope'))).toBe(false);
  expect(isTemporalUnavailable(new WorkflowNotFoundError('not found', 'wf', undefined))).toBe(false);
  expect(isTemporalUnavailable(new TypeError("Cannot read properties of undefined (reading 'runId')"))).toBe(false);
  expect(isTemporalUnavailable('a string')).toBe(false);
});
