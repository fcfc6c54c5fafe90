import { setMaxListeners } from 'node:events';
import { Context, sleep } from '@temporalio/activity';
import type { Logger } from '@at/common';
import type { PrismaClient } from '@at/db';
import type { createRevoker } from '@at/providers';
import type { Vault } from '@at/vault';
import { groupCommit } from '../runs/group-commit';
import { loadAuthFailures, loadPendingItems, markRevoking, recordAuthFailure, recordOutcomes, recountPage, type ItemResult, type OutcomeRecord, type PendingItem, type RevokingClaim } from '../runs/item-store';
import { decide, toItemResult } from './revoke-connection';

export type RevokePageInput = { runId: string; page: number; pageSize: number };
export type PageCounts = { processed: number; revoked: number; already_revoked: number; unsupported_by_provider: number; failed: number };
export type RevokePageProgress = { cursor: number; counts: PageCounts };

export type RevokePageDeps = { db: PrismaClient; vault: Vault; revoker: ReturnType<typeof createRevoker>; logger: Logger; concurrency: number };

const HEARTBEAT_EVERY_MS = 1_000;

function pageRange(page: number, pageSize: number): [number, number] {
  return [page * pageSize + 1, (page + 1) * pageSize];
}

/**
 * Revokes the pending connections of one page with bounded concurrency. Progress heartbeats
 * `{cursor, counts}` where cursor is the highest seq below which everything is recorded; a
 * retried attempt resumes after it. Items are re-read as `pending`, so nothing recorded is
 * ever sent to a provider again.
 */
export async function revokePage(deps: RevokePageDeps, input: RevokePageInput): Promise<PageCounts> {
  const ctx = Context.current();
  // every in-flight provider call listens for cancellation
  setMaxListeners(deps.concurrency * 4 + 16, ctx.cancellationSignal);
  const [first, last] = pageRange(input.page, input.pageSize);
  const resumed = ctx.info.heartbeatDetails as RevokePageProgress | undefined;
  const counts: PageCounts = resumed?.counts ?? { processed: 0, revoked: 0, already_revoked: 0, unsupported_by_provider: 0, failed: 0 };
  const startSeq = Math.max(first, (resumed?.cursor ?? 0) + 1);
  const items = await loadPendingItems(deps.db, input.runId, startSeq, last);
  const authFailures = await loadAuthFailures(deps.db, input.runId);

  // watermark: every seq <= cursor is recorded
  const done = new Set<number>();
  let cursor = startSeq - 1;
  const order = items.map((item) => item.seq);
  let orderIndex = 0;
  let lastBeat = 0;
  const beat = (force = false) => {
    while (orderIndex < order.length && done.has(order[orderIndex] as number)) {
      cursor = order[orderIndex] as number;
      orderIndex += 1;
    }
    if (orderIndex >= order.length) cursor = last;
    const now = Date.now();
    if (force || now - lastBeat >= HEARTBEAT_EVERY_MS) {
      lastBeat = now;
      ctx.heartbeat({ cursor, counts: { ...counts } } satisfies RevokePageProgress);
    }
  };

  // the page's concurrent connections share database round trips (see group-commit.ts)
  const writes: PageWrites = {
    markRevoking: groupCommit((ids: string[]) => markRevoking(deps.db, ids)),
    recordOutcome: groupCommit((records: OutcomeRecord[]) => recordOutcomes(deps.db, input.runId, records)),
  };

  const processOne = async (item: PendingItem): Promise<void> => {
    const result = await revokeOne(deps, writes, input.runId, item, authFailures, ctx.cancellationSignal);
    // a cancelled call's fate at the provider is unknown: leave the item pending for the retry
    ctx.cancellationSignal.throwIfAborted();
    if (await writes.recordOutcome({ seq: item.seq, connectedAccountId: item.connectedAccountId, result })) {
      counts.processed += 1;
      counts[result.outcome] += 1;
    }
    done.add(item.seq);
    beat();
  };

  let next = 0;
  let failure: { error: unknown } | undefined;
  const workers = Array.from({ length: Math.min(deps.concurrency, items.length) }, async () => {
    // after one failure the others stop taking items: the retried attempt will own them
    while (next < items.length && failure === undefined) {
      ctx.cancellationSignal.throwIfAborted();
      const item = items[next] as PendingItem;
      next += 1;
      try {
        await processOne(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  });
  // Heartbeat on a timer too: a provider's long Retry-After must not look like a dead worker
  // (which would restart the page, and with it every in-flight connection's retry budget).
  const alive = setInterval(() => beat(true), HEARTBEAT_EVERY_MS * 2);
  try {
    await Promise.all(workers);
  } finally {
    clearInterval(alive);
  }
  if (failure) throw failure.error;
  await recountPage(deps.db, input.runId, input.page, first, last);
  beat(true);
  return counts;
}

type PageWrites = { markRevoking: (id: string) => Promise<RevokingClaim>; recordOutcome: (record: OutcomeRecord) => Promise<boolean> };

// a refresh holds its lease for at most its length (@at/lifecycle: 30 s by default)
const MAX_LEASE_WAIT_MS = 120_000;

async function revokeOne(
  deps: RevokePageDeps,
  writes: PageWrites,
  runId: string,
  item: PendingItem,
  authFailures: Map<string, { errorCode: string; errorMessage: string }>,
  signal: AbortSignal,
): Promise<ItemResult> {
  let decision: ReturnType<typeof decide>;
  try {
    decision = decide(item, deps.vault, authFailures);
  } catch (error) {
    deps.logger.error('sealed credential could not be opened', { run_id: runId, connected_account_id: item.connectedAccountId, error: error instanceof Error ? error.name : 'unknown' });
    return { outcome: 'failed', revokedTokens: [], errorCode: 'credential_unreadable', errorMessage: 'the sealed credential could not be opened', attempts: 0 };
  }
  if (decision.kind === 'skip') return decision.result;
  const claim = await claimRevoking(writes, item.connectedAccountId);
  if (claim.kind === 'revoked') return { outcome: 'already_revoked', revokedTokens: [], errorCode: null, errorMessage: null, attempts: 0 };
  if (claim.kind === 'leased') return { outcome: 'failed', revokedTokens: [], errorCode: 'refresh_in_progress', errorMessage: 'a token refresh kept the connection busy; retry the job', attempts: 0 };
  // revoke what is stored now: a refresh before the claim may have rotated the tokens loaded with the page
  try {
    decision = decide({ ...item, credentialSealed: claim.sealed }, deps.vault, authFailures);
  } catch (error) {
    deps.logger.error('sealed credential could not be opened', { run_id: runId, connected_account_id: item.connectedAccountId, error: error instanceof Error ? error.name : 'unknown' });
    return { outcome: 'failed', revokedTokens: [], errorCode: 'credential_unreadable', errorMessage: 'the sealed credential could not be opened', attempts: 0 };
  }
  if (decision.kind === 'skip') return decision.result;
  const result = await deps.revoker.revoke(decision.request, signal);
  if (result.outcome === 'failed' && result.providerWide) {
    const failure = { errorCode: result.errorCode, errorMessage: result.errorMessage };
    authFailures.set(item.authConfigId, failure);
    await recordAuthFailure(deps.db, runId, item.authConfigId, failure);
    deps.logger.warn('provider rejected the client; failing the rest of this auth config fast', { run_id: runId, auth_config_id: item.authConfigId, error_code: result.errorCode });
  }
  return toItemResult(result);
}

/**
 * Marks the connection `revoking`, waiting out a token refresh that holds its lease: polled
 * with backoff (a refresh usually ends well before its lease does), never past the lease plus a
 * second, and never longer than MAX_LEASE_WAIT_MS in all (a chain of refreshes).
 */
async function claimRevoking(writes: PageWrites, connectedAccountId: string): Promise<RevokingClaim> {
  const startedAt = Date.now();
  let deadline = 0;
  for (let delay = 20; ; delay = Math.min(delay * 2, 500)) {
    const claim = await writes.markRevoking(connectedAccountId);
    if (claim.kind !== 'leased') return claim;
    deadline = Math.min(Math.max(deadline, Date.now() + claim.waitMs + 1_000), startedAt + MAX_LEASE_WAIT_MS);
    if (Date.now() >= deadline) return claim;
    // Temporal's activity sleep ends early when the activity is cancelled
    await sleep(Math.min(delay, Math.max(1, claim.waitMs)));
  }
}
