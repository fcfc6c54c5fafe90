/**
 * The vocabulary of revoke runs, written once: outcomes, statuses, counts and results. thermos
 * stores and serves them, apollo relays them, tests and the workflow name them.
 */
import { z } from 'zod';

/** What became of one connection in one run; `pending` until the run processes it. */
export const RUN_OUTCOMES = ['pending', 'revoked', 'already_revoked', 'unsupported_by_provider', 'failed', 'cancelled'] as const;
export type RunOutcome = (typeof RUN_OUTCOMES)[number];
/** The outcome of a processed connection. */
export type FinalOutcome = Exclude<RunOutcome, 'pending'>;
export const FINAL_OUTCOMES = RUN_OUTCOMES.filter((o): o is FinalOutcome => o !== 'pending');

/**
 * Outcomes after which the credential is dead or unusable upstream (or has no upstream by
 * design): the sealed credential is destroyed and the connection marked revoked. Never
 * `failed` or `cancelled`: a token is never reported dead while it may be alive.
 */
export const SHREDDING_OUTCOMES = ['revoked', 'already_revoked', 'unsupported_by_provider'] as const satisfies readonly FinalOutcome[];
/** Outcomes a retry of the job takes again. */
export const RETRYABLE_OUTCOMES = ['failed', 'cancelled'] as const satisfies readonly FinalOutcome[];

/** A run ends `completed`, `failed` (with a reason) or `cancelled`; it never stays `running` because something retries forever. */
export const RUN_STATUSES = ['running', 'completed', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

const count = z.number().int().min(0);
export const runCountsSchema = z.object({
  total: count,
  pending: count,
  revoked: count,
  already_revoked: count,
  unsupported_by_provider: count,
  failed: count,
  cancelled: count,
} satisfies Record<'total' | RunOutcome, typeof count>);
export type RunCounts = z.infer<typeof runCountsSchema>;

export const EMPTY_RUN_COUNTS: RunCounts = { total: 0, pending: 0, revoked: 0, already_revoked: 0, unsupported_by_provider: 0, failed: 0, cancelled: 0 };

/** Outcome counts of a slice of a run (a page): the counts without total and pending. */
export type OutcomeCounts = Record<FinalOutcome, number>;

export const runFailureSchema = z
  .object({
    code: z.string().describe('retries_exhausted, data_error, timed_out, workflow_terminated, workflow_timed_out, workflow_failed, workflow_missing, internal_error'),
    message: z.string(),
  })
  .describe('why the run failed');
export type RunFailure = z.infer<typeof runFailureSchema>;

export const runRetryingSchema = z
  .object({
    activity: z.string().describe('the step being retried: snapshotStep, revokePage, completeRun, ...'),
    attempt: z.number().int().describe('the attempt now scheduled or running (2 = first retry)'),
    max_attempts: z.number().int().nullable(),
    last_error: z.string().describe('what the previous attempt failed with (our own message; never provider text or secrets)'),
    next_attempt_at: z.string().nullable(),
  })
  .describe('set while a step of the run is failing and being retried: the run is stuck there until it succeeds or its attempts run out');
export type RunRetrying = z.infer<typeof runRetryingSchema>;

export const runResultSchema = z.object({
  connected_account_id: z.string(),
  outcome: z.enum(RUN_OUTCOMES),
  revoked_tokens: z.array(z.string()).describe('which tokens died at the provider: access, refresh'),
  error_code: z
    .string()
    .nullable()
    .describe("the provider's error code, or ours: provider_unavailable, invalid_client, outcome_unknown (a call may have reached the provider; retry to be sure), unrecordable_result, cancelled, ..."),
  error_message: z.string().nullable(),
  finished_at: z.string().nullable(),
});
export type RunResult = z.infer<typeof runResultSchema>;
