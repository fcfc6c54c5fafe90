/**
 * The types of the failures thermos's activities raise (see failures.ts). Plain constants, so
 * that workflow code can name them in retry policies without importing I/O modules.
 */
export const FAILURE_TYPES = {
  /** Postgres unreachable, restarting, or out of connections. */
  databaseUnavailable: 'DatabaseUnavailable',
  /** Serialization failure or deadlock: another attempt will not collide the same way. */
  databaseConflict: 'DatabaseConflict',
  /** Any other database error (not a data error): retried, in case it is the server's trouble. */
  databaseError: 'DatabaseError',
  /** A dependency other than Postgres (the rate limiter's store) is unavailable. */
  dependencyUnavailable: 'DependencyUnavailable',
  /** Anything unexpected: retried a bounded number of times; the log has the details under error_id. */
  internal: 'InternalError',
  /** Postgres refused the data itself (SQLSTATE class 22 or 23): the same write fails the same way again. */
  dataError: 'DataError',
  /** The run row is gone: nothing the run does can be recorded. */
  runMissing: 'RunMissing',
} as const;

/** Types a retry can never fix: raised non-retryable, and declared on the retry policies too. */
export const NON_RETRYABLE_TYPES: string[] = [FAILURE_TYPES.dataError, FAILURE_TYPES.runMissing];

/** The run's failure code for a permanent failure type. */
export const FAILURE_CODE_OF_TYPE: Readonly<Record<string, string>> = {
  [FAILURE_TYPES.dataError]: 'data_error',
  [FAILURE_TYPES.runMissing]: 'run_missing',
};
