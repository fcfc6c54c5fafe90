import type { PrismaClient } from '@at/db';
import type { RunCounts } from '@at/common/temporal-contract';

export type RunRow = { id: string; workflowId: string; status: 'running' | 'completed' | 'failed'; total: number; createdAt: Date; finishedAt: Date | null; snapshotDone: boolean };

export async function getRun(db: PrismaClient, runId: string): Promise<RunRow | null> {
  const run = await db.revokeRun.findUnique({ where: { id: runId } });
  return run && { id: run.id, workflowId: run.workflowId, status: run.status, total: run.total, createdAt: run.createdAt, finishedAt: run.finishedAt, snapshotDone: run.snapshotDone };
}

/** Counts from the per-page tallies: a handful of rows even for a million items. */
export async function getRunCounts(db: PrismaClient, runId: string, total: number): Promise<RunCounts> {
  const [sums] = await db.$queryRaw<Array<{ revoked: bigint | null; already_revoked: bigint | null; unsupported: bigint | null; failed: bigint | null }>>`
    SELECT sum(revoked) AS revoked, sum(already_revoked) AS already_revoked, sum(unsupported_by_provider) AS unsupported, sum(failed) AS failed
    FROM revoke_page_counts WHERE run_id = ${runId}`;
  const revoked = Number(sums?.revoked ?? 0);
  const alreadyRevoked = Number(sums?.already_revoked ?? 0);
  const unsupported = Number(sums?.unsupported ?? 0);
  const failed = Number(sums?.failed ?? 0);
  return {
    total,
    pending: Math.max(0, total - revoked - alreadyRevoked - unsupported - failed),
    revoked,
    already_revoked: alreadyRevoked,
    unsupported_by_provider: unsupported,
    failed,
  };
}

export async function finishRun(db: PrismaClient, runId: string, status: 'completed' | 'failed', failure?: { code: string; message: string }): Promise<void> {
  await db.revokeRun.updateMany({
    where: { id: runId, status: 'running' },
    data: { status, finishedAt: new Date(), failureCode: failure?.code ?? null, failureMessage: failure?.message ?? null },
  });
}

export type ItemRow = { seq: number; connectedAccountId: string; outcome: string; revokedTokens: string[]; errorCode: string | null; errorMessage: string | null; finishedAt: Date | null };

/** Keyset page of a run's items in snapshot order, optionally one outcome only. */
export async function listItems(db: PrismaClient, runId: string, options: { outcome?: string; afterSeq: number; take: number }): Promise<ItemRow[]> {
  const rows = await db.revokeItem.findMany({
    where: { runId, seq: { gt: options.afterSeq }, ...(options.outcome ? { outcome: options.outcome as never } : {}) },
    orderBy: { seq: 'asc' },
    take: options.take,
    select: { seq: true, connectedAccountId: true, outcome: true, revokedTokens: true, errorCode: true, errorMessage: true, finishedAt: true },
  });
  return rows;
}
