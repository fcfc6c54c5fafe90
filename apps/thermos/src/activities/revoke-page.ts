import { setMaxListeners } from 'node:events';
import { Context } from '@temporalio/activity';
import { delayUnlessAborted, type Logger } from '@at/common';
import { isDataError, postgresErrorCode, type PrismaClient } from '@at/db';
import type { createRevoker, OAuthCredential } from '@at/providers';
import type { Vault } from '@at/vault';
import { storeRotatedCredential } from '../runs/credential-store';
import { groupCommit } from '../runs/group-commit';
import type { PauseGate } from '@at/lifecycle';
import {
  loadAuthFailures,
  loadPendingItems,
  markRevoking,
  MAX_SENDS,
  recordAuthFailure,
  recordOutcomes,
  recountPage,
  releaseClaims,
  type Claim,
  type ClaimTarget,
  type ItemResult,
  type OutcomeRecord,
  type PendingItem,
} from '../runs/item-store';
import { OUTCOME_UNKNOWN } from '../runs/release-store';
import { decide, pageKnowledge, precheck, toItemResult, type PageKnowledge } from './revoke-connection';
import { nothingSent, trackSends, type SendState } from './send-tracking';

/** A page: the items of seqs fromSeq..toSeq, inside one lane. */
export type RevokePageInput = { runId: string; page: number; fromSeq: number; toSeq: number };
export type PageCounts = { processed: number } & Record<ItemResult['outcome'], number>;
/** `stopped`: the run asked the page to stop (a cancel); what was in flight is recorded, the rest left pending. */
export type PageResult = PageCounts & { stopped: boolean };
export type RevokePageProgress = { cursor: number; counts: PageCounts };

export type RevokePageDeps = {
  db: PrismaClient;
  vault: Vault;
  revoker: ReturnType<typeof createRevoker>;
  logger: Logger;
  concurrency: number;
  /** The kill switches: no call leaves for a paused project (absent: never paused). */
  pause?: PauseGate | undefined;
};

export const UNRECORDABLE = 'unrecordable_result';
const HEARTBEAT_EVERY_MS = 1_000;
const NO_COUNTS: PageCounts = { processed: 0, revoked: 0, already_revoked: 0, unsupported_by_provider: 0, failed: 0 };

/**
 * Revokes the pending connections of one page with bounded concurrency. Progress heartbeats
 * `{cursor, counts}` where cursor is the highest seq below which everything is recorded; a
 * retried attempt resumes after it. Items are re-read as `pending`, so nothing recorded is
 * ever sent to a provider again, and an item is sent at most MAX_SENDS times in all.
 *
 * Cancellation: when the workflow cancels the page (the job was cancelled, another page
 * failed, or the run continues as new), the page stops taking items, lets the calls already
 * sent finish and records them, gives back the connections whose call was still waiting for a
 * rate-limit slot (nothing sent), and returns `stopped`. Any other cancellation (worker
 * shutdown, timeout, workflow gone) aborts the calls in flight too; their items stay pending for
 * the retried attempt or the run's release.
 */
export async function revokePage(deps: RevokePageDeps, input: RevokePageInput): Promise<PageResult> {
  const ctx = Context.current();
  const { runId, page, fromSeq: first, toSeq: last } = input;
  const calls = new AbortController();
  // every in-flight provider call listens for the abort
  setMaxListeners(deps.concurrency * 4 + 16, calls.signal);
  let stopping = false;
  const flights = new Map<number, { state: SendState; abandon: AbortController }>();
  const onCancel = () => {
    stopping = true;
    if (!ctx.cancellationDetails?.cancelRequested) return calls.abort(ctx.cancellationSignal.reason);
    for (const flight of flights.values()) if (nothingSent(flight.state)) flight.abandon.abort(new Error('abandoned before anything was sent'));
  };
  if (ctx.cancellationSignal.aborted) onCancel();
  else ctx.cancellationSignal.addEventListener('abort', onCancel, { once: true });

  const resumed = ctx.info.heartbeatDetails as RevokePageProgress | undefined;
  const counts: PageCounts = { ...NO_COUNTS, ...resumed?.counts };
  const startSeq = Math.max(first, (resumed?.cursor ?? 0) + 1);
  const items = await loadPendingItems(deps.db, runId, startSeq, last);
  const known = pageKnowledge(await loadAuthFailures(deps.db, runId));

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

  const writes = acquireRunWrites(deps, runId);
  const run: RunOfPage = { runId, writes, known };
  const processOne = async (item: PendingItem): Promise<void> => {
    const flight = { state: { slotsAsked: 0, waiting: false }, abandon: new AbortController() };
    flights.set(item.seq, flight);
    let result: Awaited<ReturnType<typeof revokeOne>>;
    try {
      result = await trackSends(flight.state, () =>
        revokeOne(deps, run, item, { signal: AbortSignal.any([calls.signal, flight.abandon.signal]), stopping: () => stopping, abandon: flight.abandon }),
      );
    } catch (error) {
      if (!flight.abandon.signal.aborted || calls.signal.aborted) throw error;
      result = 'abandoned';
    } finally {
      flights.delete(item.seq);
    }
    // an aborted call's fate at the provider is unknown: leave the item pending
    calls.signal.throwIfAborted();
    // stopped while waiting for a refresh's lease or while paused: nothing was claimed or sent, the item stays pending
    if (result === 'unclaimed') return;
    if (result === 'abandoned') {
      // nothing was sent: the item stays pending, its connection goes back
      await releaseClaims(deps.db, runId, [{ seq: item.seq, connectedAccountId: item.connectedAccountId }]);
      return;
    }
    const recorded = result && (await writes.recordOutcome({ seq: item.seq, connectedAccountId: item.connectedAccountId, result }));
    if (recorded) {
      counts.processed += 1;
      counts[recorded] += 1;
    }
    done.add(item.seq);
    beat();
  };

  let next = 0;
  let failure: { error: unknown } | undefined;
  const workers = Array.from({ length: Math.min(deps.concurrency, items.length) }, async () => {
    // after one failure, or once asked to stop, the others take no new items
    while (next < items.length && failure === undefined && !stopping) {
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
    ctx.cancellationSignal.removeEventListener('abort', onCancel);
    releaseRunWrites(deps, runId);
  }
  if (calls.signal.aborted) throw calls.signal.reason;
  if (failure) throw failure.error;
  await recountPage(deps.db, runId, page, first, last);
  beat(true);
  return { ...counts, stopped: stopping };
}

type PageWrites = {
  claim: (target: ClaimTarget) => Promise<Claim | 'unwritable'>;
  /** The outcome recorded (the one asked for, or `failed` if it could not be stored), or null if the item was already recorded. */
  recordOutcome: (record: OutcomeRecord) => Promise<ItemResult['outcome'] | null>;
};

// The pages of one run that this worker runs at once share their writes: one claim statement
// and one outcome statement in flight per run, each carrying what all of its pages have queued
// (fewer, larger statements: less per-statement work in Postgres and in the client).
const sharedWrites = new WeakMap<RevokePageDeps, Map<string, { writes: PageWrites; pages: number }>>();

function acquireRunWrites(deps: RevokePageDeps, runId: string): PageWrites {
  let runs = sharedWrites.get(deps);
  if (!runs) sharedWrites.set(deps, (runs = new Map()));
  let shared = runs.get(runId);
  if (!shared) runs.set(runId, (shared = { writes: pageWrites(deps, runId), pages: 0 }));
  shared.pages += 1;
  return shared.writes;
}

function releaseRunWrites(deps: RevokePageDeps, runId: string): void {
  const runs = sharedWrites.get(deps);
  const shared = runs?.get(runId);
  if (!runs || !shared) return;
  shared.pages -= 1;
  if (shared.pages === 0) runs.delete(runId);
}

/**
 * The page's writes, group-committed (many concurrent connections share a round trip). A batch
 * that Postgres refuses for a reason that will not change (a data error) is written one item at
 * a time, and an item that still cannot be written gets a safe failed record instead: one bad
 * value never fails the page, which would send every connection of the batch again.
 */
function pageWrites(deps: RevokePageDeps, runId: string): PageWrites {
  const claim = groupCommit(
    resilient(
      (targets: ClaimTarget[]): Promise<Array<Claim | 'unwritable'>> => markRevoking(deps.db, runId, targets),
      async (target, error): Promise<'unwritable'> => {
        deps.logger.warn('a connection could not be claimed; recording it failed', { run_id: runId, connected_account_id: target.connectedAccountId, sqlstate: postgresErrorCode(error) });
        return 'unwritable';
      },
    ),
  );
  const record = async (records: OutcomeRecord[]) => (await recordOutcomes(deps.db, runId, records)).map((ok, i) => (ok ? (records[i] as OutcomeRecord).result.outcome : null));
  const recordOutcome = groupCommit(
    resilient(record, async (r, error) => {
      const sqlstate = postgresErrorCode(error) ?? 'unknown';
      deps.logger.warn("a provider's answer could not be stored; recording the item failed", { run_id: runId, connected_account_id: r.connectedAccountId, outcome: r.result.outcome, sqlstate });
      const safe: ItemResult = {
        outcome: 'failed',
        revokedTokens: [],
        errorCode: UNRECORDABLE,
        errorMessage: `the provider's answer (${r.result.outcome}) could not be stored (SQLSTATE ${sqlstate}); retry to find out`,
        attempts: r.result.attempts,
      };
      // if even this cannot be written, the page fails (permanently: a data error)
      const [outcome] = await record([{ ...r, result: safe }]);
      return outcome ?? null;
    }),
  );
  return { claim, recordOutcome };
}

function resilient<I, O>(write: (inputs: I[]) => Promise<O[]>, unwritable: (input: I, error: unknown) => Promise<O>): (inputs: I[]) => Promise<O[]> {
  return async (inputs) => {
    try {
      return await write(inputs);
    } catch (error) {
      if (!isDataError(error)) throw error;
    }
    const outputs: O[] = [];
    for (const input of inputs) {
      try {
        outputs.push(...(await write([input])));
      } catch (error) {
        if (!isDataError(error)) throw error;
        outputs.push(await unwritable(input, error));
      }
    }
    return outputs;
  };
}

const failed = (errorCode: string, errorMessage: string): ItemResult => ({ outcome: 'failed', revokedTokens: [], errorCode, errorMessage, attempts: 0 });

// a refresh holds its lease for at most its length (@at/lifecycle: 30 s by default)
const MAX_LEASE_WAIT_MS = 120_000;

/** What a page's connections share: the run, its writes, and what the page has learnt. */
type RunOfPage = { runId: string; writes: PageWrites; known: PageKnowledge };

/** One connection's call: aborted with the page (or alone, `abandon`), and whether the page is stopping. */
type ItemFlight = { signal: AbortSignal; stopping: () => boolean; abandon: AbortController };

/**
 * The result of one connection; null when there is nothing to record (another attempt did, or
 * the run is closing); `abandoned` when the page stopped after claiming it but before sending;
 * `unclaimed` when it stopped while a token refresh held the connection or while it waited out
 * a pause (nothing claimed).
 */
async function revokeOne(
  deps: RevokePageDeps,
  { runId, writes, known }: RunOfPage,
  item: PendingItem,
  { signal, stopping, abandon }: ItemFlight,
): Promise<ItemResult | null | 'abandoned' | 'unclaimed'> {
  // the kill switch: while the project is paused the connection waits here, unclaimed, nothing sent
  if (deps.pause) {
    await deps.pause.wait(item.projectId, signal, stopping);
    if (signal.aborted || stopping()) return 'unclaimed';
  }
  // nothing is opened before the claim: what gets revoked is the credential as the claim reads it
  const skipped = precheck(item, known);
  if (skipped) return skipped;
  const claim = await claimRevoking(writes, { seq: item.seq, connectedAccountId: item.connectedAccountId }, signal, stopping);
  switch (claim.kind) {
    case 'settled':
      return null;
    case 'unclaimed':
      return 'unclaimed';
    case 'revoked':
      return { outcome: 'already_revoked', revokedTokens: [], errorCode: null, errorMessage: null, attempts: 0 };
    case 'exhausted':
      return failed(OUTCOME_UNKNOWN, `sent to the provider ${MAX_SENDS} times without its answer being recorded; not sent again (retry to make sure)`);
    case 'unwritable':
      return failed(UNRECORDABLE, 'the connection could not be marked revoking; nothing was sent');
    case 'leased':
      // claimed nothing, sent nothing: the connection keeps its status and the job can be retried
      return failed('refresh_in_progress', 'a token refresh kept the connection busy; retry the job');
    case 'claimed':
      break;
  }
  // revoke what is stored now: a refresh before the claim may have rotated the tokens loaded with the page
  let decision: ReturnType<typeof decide>;
  try {
    decision = decide({ ...item, credentialSealed: claim.sealed }, deps.vault, known);
  } catch (error) {
    deps.logger.error('sealed credential could not be opened', { run_id: runId, connected_account_id: item.connectedAccountId, error: error instanceof Error ? error.name : 'unknown' });
    return failed('credential_unreadable', 'the sealed credential could not be opened');
  }
  if (decision.kind === 'skip') return decision.result;
  if (stopping()) return 'abandoned';
  const request = {
    ...decision.request,
    // runs sharing a rate ceiling are served in turn
    share: runId,
    // a refresh's new pair is sealed and stored before the revoker uses it
    onRotated: (credential: OAuthCredential) => storeRotatedCredential(deps.db, deps.vault, item.connectedAccountId, credential),
    // a pause that came after the claim holds the request itself; stopped meanwhile, a revocation
    // that sent nothing is abandoned (given back), one that already sent ends failed `paused`
    beforeSend: async (sent: number): Promise<'send' | 'stop'> => {
      const gate = deps.pause;
      // not paused: the request goes (a cancel lets the calls past their slot finish, as always)
      if (!gate || !(await gate.current(item.projectId))) return 'send';
      await gate.wait(item.projectId, signal, stopping);
      signal.throwIfAborted();
      if (!stopping()) return 'send';
      if (sent > 0) return 'stop';
      abandon.abort(new Error('abandoned while paused, before anything was sent'));
      throw abandon.signal.reason;
    },
  };
  const result = await deps.revoker.revoke(request, signal);
  if (result.outcome === 'failed' && result.providerWide) {
    const failure = { errorCode: result.errorCode, errorMessage: result.errorMessage };
    known.authFailures.set(item.authConfigId, failure);
    await recordAuthFailure(deps.db, runId, item.authConfigId, failure).catch((error: unknown) => {
      // remembering it is an optimisation (later connections fail fast): a value Postgres refuses must not fail the page
      if (!isDataError(error)) throw error;
      deps.logger.warn('provider-wide failure not remembered: the database refused it', { run_id: runId, auth_config_id: item.authConfigId, sqlstate: postgresErrorCode(error) });
    });
    deps.logger.warn('provider rejected the client; failing the rest of this auth config fast', { run_id: runId, auth_config_id: item.authConfigId, error_code: result.errorCode });
  }
  return toItemResult(result);
}

/**
 * Claims the item, waiting out a token refresh that holds the connection's lease: polled with
 * backoff (a refresh usually ends well before its lease does), never past the lease plus a
 * second, and never longer than MAX_LEASE_WAIT_MS in all (a chain of refreshes). `unclaimed`
 * when the page was asked to stop meanwhile: nothing was claimed or sent.
 */
async function claimRevoking(writes: PageWrites, target: ClaimTarget, signal: AbortSignal, stopping: () => boolean): Promise<Claim | { kind: 'unwritable' | 'unclaimed' }> {
  const startedAt = Date.now();
  let deadline = 0;
  for (let delay = 20; ; delay = Math.min(delay * 2, 500)) {
    const claim = await writes.claim(target);
    if (claim === 'unwritable') return { kind: 'unwritable' };
    if (claim.kind !== 'leased') return claim;
    deadline = Math.min(Math.max(deadline, Date.now() + claim.waitMs + 1_000), startedAt + MAX_LEASE_WAIT_MS);
    if (Date.now() >= deadline) return claim;
    await delayUnlessAborted(Math.min(delay, Math.max(1, claim.waitMs)), signal);
    signal.throwIfAborted();
    if (stopping()) return { kind: 'unclaimed' };
  }
}
