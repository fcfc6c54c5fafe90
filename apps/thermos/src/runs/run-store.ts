import type { RunCounts, RunFailure, RunOutcome, RunStatus } from '@at/common';
import type { PrismaClient } from '@at/db';

export type RunRow = {
  id: string;
  workflowId: string;
  status: RunStatus;
  total: number;
  failure: RunFailure | null;
  createdAt: Date;
  finishedAt: Date | null;
  releasedAt: Date | null;
};

export async function getRun(db: PrismaClient, runId: string): Promise<RunRow | null> {
  const run = await db.revokeRun.findUnique({ where: { id: runId } });
  return (
    run && {
      id: run.id,
      workflowId: run.workflowId,
      status: run.status,
      total: run.total,
      failure: run.failureCode === null ? null : { code: run.failureCode, message: run.failureMessage ?? '' },
      createdAt: run.createdAt,
      finishedAt: run.finishedAt,
      releasedAt: run.releasedAt,
    }
  );
}

/** Counts from the per-page tallies: a handful of rows even for a million items. */
export async function getRunCounts(db: PrismaClient, runId: string, total: number): Promise<RunCounts> {
  const [sums] = await db.$queryRaw<Array<Record<'revoked' | 'already_revoked' | 'unsupported_by_provider' | 'failed' | 'cancelled', bigint | null>>>`
    SELECT sum(revoked) AS revoked, sum(already_revoked) AS already_revoked, sum(unsupported_by_provider) AS unsupported_by_provider,
           sum(failed) AS failed, sum(cancelled) AS cancelled
    FROM revoke_page_counts WHERE run_id = ${runId}`;
  const n = (key: keyof NonNullable<typeof sums>) => Number(sums?.[key] ?? 0);
  const done = { revoked: n('revoked'), already_revoked: n('already_revoked'), unsupported_by_provider: n('unsupported_by_provider'), failed: n('failed'), cancelled: n('cancelled') };
  const processed = Object.values(done).reduce((a, b) => a + b, 0);
  return { total, pending: Math.max(0, total - processed), ...done };
}

export type ItemRow = { seq: number; connectedAccountId: string; outcome: RunOutcome; revokedTokens: string[]; errorCode: string | null; errorMessage: string | null; finishedAt: Date | null };

/** Keyset page of a run's items in snapshot order, optionally one outcome only. */
export async function listItems(db: PrismaClient, runId: string, options: { outcome?: RunOutcome; afterSeq: number; take: number }): Promise<ItemRow[]> {
  return db.revokeItem.findMany({
    where: { runId, seq: { gt: options.afterSeq }, ...(options.outcome ? { outcome: options.outcome } : {}) },
    orderBy: { seq: 'asc' },
    take: options.take,
    select: { seq: true, connectedAccountId: true, outcome: true, revokedTokens: true, errorCode: true, errorMessage: true, finishedAt: true },
  });
}

/**
 * Runs that may still need closing: still `running` (their workflow may have closed without
 * saying so), or ended without having released everything (a close that was interrupted).
 */
export async function runsToReconcile(db: PrismaClient, olderThan: Date, limit: number): Promise<Array<{ id: string; workflowId: string; status: RunStatus }>> {
  return db.revokeRun.findMany({
    where: { releasedAt: null, createdAt: { lt: olderThan } },
    orderBy: { createdAt: 'asc' },
    take: limit,
    select: { id: true, workflowId: true, status: true },
  });
}
