import { randomUUID } from 'node:crypto';
import { ApplicationFailure, CancelledFailure } from '@temporalio/activity';
import { DependencyUnavailableError, type Logger } from '@at/common';
import { isConnectionError, isDataError, isSerializationError, postgresErrorCode } from '@at/db';
import { RunMissingError } from '../runs/snapshot-store';
import { FAILURE_TYPES } from './failure-types';

/**
 * The error classes of thermos's activities. Every error leaving an activity becomes an
 * ApplicationFailure with one of the FAILURE_TYPES and a message of our own (never a provider's
 * text, a query or a value: the message lands in Temporal's history and in GET job's
 * `retrying`). Transient ones are retried by the activity's bounded retry policy, which outlasts
 * a Postgres or Temporal restart of a few minutes; permanent ones are non-retryable, and the run
 * fails at once. Cancellations and failures already classified pass through.
 */
export function toActivityFailure(error: unknown, context: { activity: string; logger: Logger; fields?: Record<string, unknown> }): unknown {
  if (error instanceof ApplicationFailure || error instanceof CancelledFailure) return error;
  if (isAbort(error)) return error;
  const sqlstate = postgresErrorCode(error);
  let failure: ApplicationFailure;
  if (error instanceof RunMissingError) failure = ApplicationFailure.nonRetryable('the run row does not exist', FAILURE_TYPES.runMissing);
  else if (isConnectionError(error)) failure = ApplicationFailure.retryable(`database unavailable${sqlstate ? ` (SQLSTATE ${sqlstate})` : ''}`, FAILURE_TYPES.databaseUnavailable);
  else if (isSerializationError(error)) failure = ApplicationFailure.retryable(`database conflict (SQLSTATE ${sqlstate ?? 'unknown'})`, FAILURE_TYPES.databaseConflict);
  else if (isDataError(error)) failure = ApplicationFailure.nonRetryable(`the database refused a write (SQLSTATE ${sqlstate ?? 'unknown'})`, FAILURE_TYPES.dataError);
  else if (sqlstate) failure = ApplicationFailure.retryable(`database error (SQLSTATE ${sqlstate})`, FAILURE_TYPES.databaseError);
  else if (error instanceof DependencyUnavailableError) failure = ApplicationFailure.retryable(`${error.dependency} unavailable`, FAILURE_TYPES.dependencyUnavailable);
  else {
    const errorId = randomUUID();
    context.logger.error('activity failed unexpectedly', { activity: context.activity, error_id: errorId, error, ...context.fields });
    return ApplicationFailure.retryable(`internal error (${error instanceof Error ? error.name : typeof error}, error_id ${errorId})`, FAILURE_TYPES.internal);
  }
  context.logger.warn('activity failed', { activity: context.activity, type: failure.type, message: failure.message, ...context.fields });
  return failure;
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'CancelledFailure');
}
