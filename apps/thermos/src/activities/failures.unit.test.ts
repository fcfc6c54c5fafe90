import { ApplicationFailure, CancelledFailure } from '@temporalio/activity';
import { createLogger, DependencyUnavailableError } from '@at/common';
import { RunMissingError } from '../runs/snapshot-store';
import { FAILURE_TYPES, NON_RETRYABLE_TYPES } from './failure-types';
import { toActivityFailure } from './failures';

const logger = createLogger({ service: 'thermos', silent: true });
const classify = (error: unknown) => toActivityFailure(error, { activity: 'revokePage', logger }) as ApplicationFailure;
/** A Postgres error as Prisma's driver adapter reports it. */
const pg = (sqlstate: string, message = 'raw query failed') => Object.assign(new Error(message), { code: 'P2010', meta: { driverAdapterError: { cause: { originalCode: sqlstate, kind: 'postgres' } } } });

test('a write Postgres refuses for its data (class 22, 23) is permanent, with a message of our own', () => {
  for (const sqlstate of ['22P05', '22021', '23505', '23514']) {
    const failure = classify(pg(sqlstate, 'ERROR: unsupported Unicode escape sequence near "bad\\u0000thing" SECRET-VALUE'));
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: FAILURE_TYPES.dataError, nonRetryable: true });
    expect(failure.message).toBe(`the database refused a write (SQLSTATE ${sqlstate})`);
  }
  expect(NON_RETRYABLE_TYPES).toContain(FAILURE_TYPES.dataError);
});

test('an unreachable database, a conflict, a dependency down or another database error are transient', () => {
  expect(classify(pg('08006'))).toMatchObject({ type: FAILURE_TYPES.databaseUnavailable, nonRetryable: false });
  expect(classify(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'P1001' }))).toMatchObject({ type: FAILURE_TYPES.databaseUnavailable, nonRetryable: false });
  expect(classify(pg('40P01'))).toMatchObject({ type: FAILURE_TYPES.databaseConflict, nonRetryable: false });
  expect(classify(pg('XX000'))).toMatchObject({ type: FAILURE_TYPES.databaseError, nonRetryable: false, message: 'database error (SQLSTATE XX000)' });
  expect(classify(new DependencyUnavailableError('rate limiter'))).toMatchObject({ type: FAILURE_TYPES.dependencyUnavailable, nonRetryable: false });
});

test('a missing run row is permanent; anything unexpected is transient (bounded by the retry policy) and names only its class', () => {
  expect(classify(new RunMissingError('r'))).toMatchObject({ type: FAILURE_TYPES.runMissing, nonRetryable: true });
  const unexpected = classify(new TypeError('token=abc123 went missing'));
  expect(unexpected).toMatchObject({ type: FAILURE_TYPES.internal, nonRetryable: false });
  expect(unexpected.message).toMatch(/^internal error \(TypeError, error_id [0-9a-f-]{36}\)$/);
});

test('cancellations and failures already classified pass through unchanged', () => {
  const cancelled = new CancelledFailure('cancelled');
  const ours = ApplicationFailure.nonRetryable('x', 'DataError');
  const abort = Object.assign(new Error('aborted'), { name: 'AbortError' });
  expect(toActivityFailure(cancelled, { activity: 'a', logger })).toBe(cancelled);
  expect(toActivityFailure(ours, { activity: 'a', logger })).toBe(ours);
  expect(toActivityFailure(abort, { activity: 'a', logger })).toBe(abort);
});
