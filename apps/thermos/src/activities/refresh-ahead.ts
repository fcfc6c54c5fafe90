import { Context } from '@temporalio/activity';
import { ZERO_REFRESH_AHEAD_COUNTS, type RefreshAheadCounts, type RefreshAheadCursor } from '@at/common/temporal-contract';
import type { PrismaClient } from '@at/db';
import { readCredentialState, refreshCredential, type LifecycleDeps } from '@at/lifecycle';
import type { RefreshClient } from '@at/providers';
import { loadDueCredentials } from '../refresh/due-store';

export type RefreshDuePageInput = { startedAt: string; horizonSeconds: number; pageSize: number; cursor: RefreshAheadCursor | null };
export type RefreshDuePageResult = { counts: RefreshAheadCounts; cursor: RefreshAheadCursor | null; done: boolean };

export type RefreshAheadDeps = LifecycleDeps & { db: PrismaClient; concurrency: number };

const HEARTBEAT_EVERY_MS = 2_000;

/**
 * Renews one page of credentials due within the horizon, `concurrency` at a time, with the
 * same single-flight lease, ceilings and needs-reauth rule as a vend (@at/lifecycle). A rate
 * slot is taken before the lease, so a long wait for a slow provider's ceiling never eats into
 * a lease. Heartbeats its progress; a retried page simply reloads what is still due.
 */
export async function refreshDuePage(deps: RefreshAheadDeps, input: RefreshDuePageInput): Promise<RefreshDuePageResult> {
  const ctx = Context.current();
  const due = await loadDueCredentials(deps.db, { horizonSeconds: input.horizonSeconds, startedAt: new Date(input.startedAt), cursor: input.cursor, limit: input.pageSize });
  const counts: RefreshAheadCounts = { ...ZERO_REFRESH_AHEAD_COUNTS };
  const beat = () => ctx.heartbeat({ counts: { ...counts } });
  const alive = setInterval(beat, HEARTBEAT_EVERY_MS);
  let next = 0;
  try {
    await Promise.all(
      Array.from({ length: Math.min(deps.concurrency, due.length) }, async () => {
        while (next < due.length) {
          ctx.cancellationSignal.throwIfAborted();
          const item = due[next] as { id: string };
          next += 1;
          counts.seen += 1;
          counts[await refreshOne(deps, item.id, input, ctx.cancellationSignal)] += 1;
        }
      }),
    );
  } finally {
    clearInterval(alive);
  }
  beat();
  const last = due[due.length - 1];
  return { counts, cursor: last ? { expiresAt: last.expiresAt.toISOString(), id: last.id } : input.cursor, done: due.length < input.pageSize };
}

async function refreshOne(deps: RefreshAheadDeps, id: string, input: RefreshDuePageInput, signal: AbortSignal): Promise<Exclude<keyof RefreshAheadCounts, 'seen'>> {
  const state = await readCredentialState(deps.db, id);
  if (!state || state.status !== 'active') return 'skipped';
  const { authConfig } = state;
  // the slot first (no lease is held while waiting for it); same key as the app's revocations
  const client: RefreshClient = authConfig.revocationEndpoint === null ? {} : { revocationEndpoint: authConfig.revocationEndpoint };
  if (authConfig.clientId !== null) client.clientId = authConfig.clientId;
  const ticket = (await deps.refresher.acquireSlot({ toolkit: authConfig.toolkit, client, share: `refresh-ahead:${input.startedAt}` }, signal)) ?? undefined;
  const attempt = await refreshCredential(deps, state, { dueWithinMs: input.horizonSeconds * 1000, held: { ticket }, signal });
  switch (attempt.kind) {
    case 'refreshed':
      return 'refreshed';
    case 'needs_reauth':
      return 'needs_reauth';
    case 'failed':
      return 'failed';
    default:
      return 'skipped';
  }
}
