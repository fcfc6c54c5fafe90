import {
  ActivityCancellationType,
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  continueAsNew,
  isCancellation,
  patched,
  proxyActivities,
  setCurrentDetails,
  workflowInfo,
  type RetryPolicy,
} from '@temporalio/workflow';
import { RetryState } from '@temporalio/common';
import { DEFAULT_REVOKE_TUNING, type LaneCursor, type RevokeResume, type RevokeTuning, type RevokeWorkflowInput, type RevokeWorkflowResult } from '@at/common/temporal-contract';
import type { SnapshotStepInput, SnapshotStepResult } from '../activities/snapshot';
import type { RevokeActivities } from '../activities';
import { FAILURE_CODE_OF_TYPE, NON_RETRYABLE_TYPES } from '../activities/failure-types';

type Failure = { code: string; message: string };

// Every retry is bounded: the steps that do the work give up after tuning.maxAttempts (about
// four minutes of backoff at the default 10, enough to ride out a Postgres or Temporal restart);
// the steps that record how the run ended keep trying for about half an hour.
const retry = (maximumAttempts: number): RetryPolicy => ({
  initialInterval: '1 second',
  backoffCoefficient: 2,
  maximumInterval: '1 minute',
  maximumAttempts,
  nonRetryableErrorTypes: NON_RETRYABLE_TYPES,
});
const ENDING_ATTEMPTS = 30;

function activitiesFor(tuning: RevokeTuning) {
  // runs started before snapshots were streamed (their histories replay through it)
  const { snapshotRun } = proxyActivities<RevokeActivities>({ startToCloseTimeout: '30 minutes', heartbeatTimeout: '20 seconds', retry: retry(tuning.maxAttempts) });
  // a step lasts about snapshotStepMs, plus its last transaction (at most two minutes)
  const { snapshotStep } = proxyActivities<RevokeActivities>({ startToCloseTimeout: '10 minutes', heartbeatTimeout: '20 seconds', retry: retry(tuning.maxAttempts) });
  const { loadLanes } = proxyActivities<RevokeActivities>({ startToCloseTimeout: '1 minute', retry: retry(tuning.maxAttempts) });
  // A page holds at most a few hundred connections, each with its own bounded provider retries;
  // a rate-capped lane can take long, and the heartbeat (not the clock) says whether it is alive.
  const { revokePage } = proxyActivities<RevokeActivities>({
    startToCloseTimeout: '6 hours',
    // a killed worker's page is handed to another worker this long after its last heartbeat
    heartbeatTimeout: '15 seconds',
    retry: retry(tuning.maxAttempts),
    // a cancelled page finishes and records its calls in flight before the run is closed
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  });
  const { completeRun } = proxyActivities<RevokeActivities>({ startToCloseTimeout: '5 minutes', retry: retry(ENDING_ATTEMPTS) });
  const { endRun } = proxyActivities<RevokeActivities>({ startToCloseTimeout: '1 hour', heartbeatTimeout: '1 minute', retry: retry(ENDING_ATTEMPTS) });
  return { snapshotRun, snapshotStep, loadLanes, revokePage, completeRun, endRun };
}

type Activities = ReturnType<typeof activitiesFor>;

/** Marks the executions that stream their snapshot (histories without it ran snapshotRun first). */
export const STREAMED_SNAPSHOT_PATCH = 'streamed-snapshot';

/** Marks the executions in which a lane above its share gives a page back to a lane with none in flight. */
export const LANE_SHARE_PATCH = 'lane-share';

/**
 * Revokes every connection of a target: snapshot the live connection ids into Postgres once,
 * in lanes (one per provider key), step by step, and revoke page by page as the pages become
 * ready, each lane with its own pages in flight under a cap for the whole run, continuing as new
 * when the history grows. Only ids, cursors and counts travel through Temporal.
 *
 * Every run ends `completed`, `failed` (a step failed permanently or ran out of attempts) or
 * `cancelled` (the workflow was cancelled: the job's cancel). In the last two cases the pages in
 * flight are stopped gracefully, the snapshot takes no more connections, and `endRun` gives
 * every unfinished item its true outcome and puts the connections back.
 */
export async function revokeWorkflow(input: RevokeWorkflowInput): Promise<RevokeWorkflowResult> {
  const info = workflowInfo();
  const runId = info.firstExecutionRunId;
  const tuning = { ...DEFAULT_REVOKE_TUNING, ...input.tuning };
  const acts = activitiesFor(tuning);

  let cancellation: unknown;
  const cancelRequested = CancellationScope.current().cancelRequested.catch((error: unknown) => {
    cancellation = error;
  });

  let failure: Failure | undefined;
  let state = input.resume;
  if (!state && patched(STREAMED_SNAPSHOT_PATCH)) {
    state = { lanes: [], laneCursor: 0, lanesLoaded: 0, lanesTotal: 0, pageCount: 0, pagesDone: 0, snapshot: { analyzedAt: 0 } };
  } else if (!state) {
    setCurrentDetails('snapshotting live connections');
    try {
      // the snapshot runs to its end even when cancelled: then every item it took is cancelled
      const snapshot = await CancellationScope.nonCancellable(() =>
        acts.snapshotRun({ runId, workflowId: info.workflowId, target: input.target, includeDeletedRoot: input.includeDeletedRoot, jobId: input.jobId ?? null, pageSize: tuning.pageSize, snapshotPageSize: tuning.snapshotPageSize }),
      );
      state = { lanes: [], laneCursor: 0, lanesLoaded: 0, lanesTotal: snapshot.lanes, pageCount: snapshot.pages, pagesDone: 0 };
    } catch (error) {
      failure = failureOf(error, 'snapshotRun');
    }
  }

  if (state && !failure && cancellation === undefined) {
    const snapshot: SnapshotTarget = { workflowId: info.workflowId, target: input.target, includeDeletedRoot: input.includeDeletedRoot, jobId: input.jobId ?? null };
    const shareLanes = patched(LANE_SHARE_PATCH);
    const outcome = await runPages(acts, runId, tuning, state, snapshot, { cancelRequested, cancelled: () => cancellation !== undefined, shareLanes });
    if (outcome.kind === 'continue') return await continueAsNew<typeof revokeWorkflow>({ ...input, resume: outcome.state });
    failure = outcome.failure;
  }

  if (failure) {
    setCurrentDetails(`failed: ${failure.code}`);
    await CancellationScope.nonCancellable(() => acts.endRun({ runId, end: { status: 'failed', ...failure } }));
    throw ApplicationFailure.nonRetryable(failure.message, failure.code);
  }
  // a snapshot cut short by the cancel leaves the run unfinished, even with every page known done
  if (cancellation !== undefined && (state?.snapshot !== undefined || (state?.pagesDone ?? 0) < (state?.pageCount ?? 0))) {
    setCurrentDetails('cancelled');
    await CancellationScope.nonCancellable(() => acts.endRun({ runId, end: { status: 'cancelled', code: 'cancelled', message: 'the job was cancelled' } }));
    // rethrown, so Temporal records the workflow as cancelled
    throw cancellation;
  }
  const counts = await CancellationScope.nonCancellable(() => acts.completeRun({ runId }));
  setCurrentDetails(`completed: ${counts.total} connections, ${counts.revoked} revoked, ${counts.failed} failed`);
  return { runId, total: counts.total, pages: state?.pageCount ?? 0 };
}

/** How the pages learn that the run is cancelled, and whether lanes share the slots (LANE_SHARE_PATCH). */
type PagesControl = { cancelRequested: Promise<void>; cancelled: () => boolean; shareLanes: boolean };

type PagesOutcome = { kind: 'continue'; state: RevokeResume } | { kind: 'stopped'; failure: Failure | undefined };

const remaining = (lane: LaneCursor) => lane.started < lane.pages || lane.redo.length > 0;
/** A lane with pages left to start now, or later (the snapshot is still copying it). */
const unfinished = (lane: LaneCursor) => remaining(lane) || lane.open === true;

/** What every snapshot step of a run is told about its target. */
type SnapshotTarget = Pick<SnapshotStepInput, 'workflowId' | 'target' | 'includeDeletedRoot' | 'jobId'>;

/** Takes in what a snapshot step reports: held lanes refreshed, new lanes appended, totals so far. */
function absorbStep(state: RevokeResume, result: SnapshotStepResult): void {
  for (const shape of result.shapes) {
    const held = state.lanes.find((lane) => lane.lane === shape.lane);
    if (held) {
      held.lastSeq = shape.lastSeq;
      held.pages = shape.pages;
      if (!shape.open) delete held.open;
      continue;
    }
    state.lanes.push({ ...shape, started: 0, redo: [] });
    state.lanesLoaded += 1;
    state.laneCursor = Math.max(state.laneCursor, shape.lane);
  }
  state.lanesTotal = result.lanes;
  state.pageCount = result.pages;
  if (result.done) delete state.snapshot;
  else state.snapshot = { analyzedAt: result.analyzedAt };
}

/**
 * Schedules the pages of every lane: up to `pageParallelism` in flight per lane and
 * `maxPagesInFlight` for the run, handed out one per lane in turn (lanes with fewest in flight
 * first), so a slow lane never holds a fast one back. Lanes are loaded from Postgres a few at a
 * time. Returns once nothing is in flight and nothing is left, or when asked to stop (cancel,
 * or a page that failed: the others are stopped gracefully first).
 *
 * When the history should continue as new, the pages in flight are stopped gracefully too (each
 * finishes the calls it has sent and returns within a second or two, however slow its
 * provider) and listed to run again in the next execution, so one slow lane never makes the
 * others wait for its pages to finish.
 *
 * A lane below its share of the cap (the cap over the lanes with work) while the run is full
 * (it came with a later snapshot step, after the first lanes took every slot) is not left
 * waiting for those pages to end, which behind a slow or failing provider can take minutes: the
 * lane furthest above its share stops its newest page the same graceful way, and again until
 * the lanes below have what they can use; the freed slots go to them.
 */
async function runPages(acts: Activities, runId: string, tuning: RevokeTuning, state: RevokeResume, snapshot: SnapshotTarget, control: PagesControl): Promise<PagesOutcome> {
  const { cancelRequested, cancelled } = control;
  // a child of the workflow's scope: cancelled with it, or by us (a page failed, or continuing as new)
  const pagesScope = new CancellationScope();
  const inFlight = new Map<number, Promise<void>>();
  // each page in its own scope under the pages' scope, so one can be stopped to give its slot away
  const pageScopes = new Map<number, { lane: number; scope: CancellationScope }>();
  const yielding = new Set<number>();
  const laneInFlight = new Map<number, number>();
  const busy = (lane: LaneCursor) => laneInFlight.get(lane.lane) ?? 0;
  let failure: Failure | undefined;
  let draining = false;
  const stopping = () => failure !== undefined || cancelled();

  const startPage = (lane: LaneCursor) => {
    const index = lane.redo.shift() ?? lane.started++;
    const page = lane.firstPage + index;
    const fromSeq = lane.firstSeq + index * tuning.pageSize;
    const toSeq = Math.min(lane.lastSeq, fromSeq + tuning.pageSize - 1);
    laneInFlight.set(lane.lane, busy(lane) + 1);
    const scope = new CancellationScope({ cancellable: true, parent: pagesScope });
    pageScopes.set(page, { lane: lane.lane, scope });
    const settled = scope
      .run(() => acts.revokePage({ runId, page, fromSeq, toSeq }))
      .then(
        (result) => {
          if (result.stopped) lane.redo.push(index);
          else state.pagesDone += 1;
        },
        (error: unknown) => {
          // A page we cancelled runs again (or endRun settles its items): one cancelled before it
          // started, or one that failed or timed out after we asked it to stop (a killed worker
          // cannot answer a cancel; Temporal then reports the timeout and does not retry it).
          const cancelledByUs = error instanceof ActivityFailure && error.retryState === RetryState.CANCEL_REQUESTED;
          if (isCancellation(error) || cancelledByUs) return void lane.redo.push(index);
          lane.redo.push(index);
          if (failure === undefined) {
            failure = failureOf(error, `revokePage (page ${page})`);
            pagesScope.cancel();
          }
        },
      )
      .finally(() => {
        inFlight.delete(page);
        pageScopes.delete(page);
        yielding.delete(page);
        laneInFlight.set(lane.lane, busy(lane) - 1);
      });
    inFlight.set(page, settled);
  };

  // While the snapshot runs, one step at a time, beside the pages: each reports the lanes it
  // made ready (so no lane is loaded apart from the steps until the snapshot is done). Until a
  // page is ready a step reports after each transaction, so the first pages start at once.
  let step: Promise<void> | undefined;
  const startStep = () => {
    const cursor = state.snapshot;
    if (!cursor || step || stopping()) return;
    const firstPages = state.lanesTotal === 0;
    const stepInput: SnapshotStepInput = {
      ...snapshot,
      runId,
      pageSize: tuning.pageSize,
      size: firstPages ? Math.min(tuning.snapshotPageSize, tuning.pageSize * tuning.maxPagesInFlight) : tuning.snapshotPageSize,
      budgetMs: firstPages ? 0 : tuning.snapshotStepMs,
      analyzedAt: cursor.analyzedAt,
      held: state.lanes.filter((lane) => lane.open).map((lane) => lane.lane),
      afterLane: state.laneCursor,
      limit: Math.max(0, tuning.maxPagesInFlight - state.lanes.length),
    };
    // a step in flight finishes (a transaction or two) even when the run is being stopped
    step = CancellationScope.nonCancellable(() => acts.snapshotStep(stepInput))
      .then(
        (result) => absorbStep(state, result),
        (error: unknown) => {
          if (failure === undefined) {
            failure = failureOf(error, 'snapshotStep');
            pagesScope.cancel();
          }
        },
      )
      .finally(() => {
        step = undefined;
      });
  };
  const stepSettled = () => step ?? Promise.resolve();

  const loadMoreLanes = async () => {
    while (!stopping() && state.lanesLoaded < state.lanesTotal && state.lanes.length < tuning.maxPagesInFlight) {
      const afterLane = state.laneCursor;
      const more = await CancellationScope.nonCancellable(() => acts.loadLanes({ runId, afterLane, limit: tuning.maxPagesInFlight - state.lanes.length }));
      if (more.length === 0) {
        state.lanesLoaded = state.lanesTotal;
        break;
      }
      for (const lane of more) state.lanes.push({ ...lane, started: 0, redo: [] });
      state.lanesLoaded += more.length;
      state.laneCursor = more[more.length - 1]?.lane ?? afterLane;
    }
  };

  const fill = () => {
    for (let placed = true; placed && !stopping() && inFlight.size < tuning.maxPagesInFlight; ) {
      placed = false;
      // one page per lane per pass, the lanes with fewest pages in flight first
      for (const lane of [...state.lanes].sort((a, b) => busy(a) - busy(b))) {
        if (inFlight.size >= tuning.maxPagesInFlight) break;
        if (remaining(lane) && busy(lane) < tuning.pageParallelism) {
          startPage(lane);
          placed = true;
        }
      }
    }
  };

  // the pages a lane keeps once those asked to give their slot away have stopped
  const keeps = (lane: number) => [...pageScopes.entries()].filter(([page, held]) => held.lane === lane && !yielding.has(page)).length;
  const left = (lane: LaneCursor) => lane.pages - lane.started + lane.redo.length;
  const shareSlots = () => {
    if (!control.shareLanes || stopping() || draining) return;
    const working = state.lanes.filter((lane) => left(lane) > 0 || busy(lane) > 0);
    const share = Math.max(1, Math.floor(tuning.maxPagesInFlight / Math.max(1, working.length)));
    // the slots the lanes below their share could use, less those free or being freed already
    const short = working.reduce((sum, lane) => sum + Math.max(0, Math.min(share, tuning.pageParallelism, busy(lane) + left(lane)) - busy(lane)), 0);
    for (let wanted = short - (tuning.maxPagesInFlight - inFlight.size) - yielding.size; wanted > 0; wanted -= 1) {
      let giver: number | undefined;
      for (const lane of working) if (keeps(lane.lane) > share && (giver === undefined || keeps(lane.lane) > keeps(giver))) giver = lane.lane;
      if (giver === undefined) return;
      // its newest page: the one with the least done
      const newest = [...pageScopes.entries()].reverse().find(([page, held]) => held.lane === giver && !yielding.has(page));
      if (!newest) return;
      yielding.add(newest[0]);
      newest[1].scope.cancel();
    }
  };

  const progress = () => {
    const activeLanes = [...laneInFlight.values()].filter((n) => n > 0).length;
    const known = state.snapshot ? ' so far (snapshot running)' : '';
    setCurrentDetails(`pages ${state.pagesDone}/${state.pageCount} done (${tuning.pageSize} connections each), ${inFlight.size} in flight in ${activeLanes} of ${state.lanesTotal} lanes${known}`);
  };

  for (;;) {
    // drop the lanes that are done
    state.lanes = state.lanes.filter((lane) => unfinished(lane) || busy(lane) > 0);
    if (!stopping()) {
      if (state.snapshot) startStep();
      else await loadMoreLanes();
      fill();
      shareSlots();
    }
    progress();
    const more = state.lanes.some(unfinished) || state.lanesLoaded < state.lanesTotal || state.snapshot !== undefined;
    if (stopping()) {
      // let the pages in flight stop and record what they were doing, and the step its transaction
      await Promise.all([...inFlight.values(), stepSettled()]);
      return { kind: 'stopped', failure };
    }
    if (!more && inFlight.size === 0) return { kind: 'stopped', failure: undefined };
    if (more && workflowInfo().continueAsNewSuggested && !draining) {
      draining = true;
      pagesScope.cancel();
      await Promise.all([...inFlight.values(), stepSettled()]);
      if (stopping()) continue;
      return { kind: 'continue', state: { ...state, lanes: state.lanes.filter(unfinished) } };
    }
    await Promise.race([...inFlight.values(), cancelRequested, ...(step ? [step] : [])]);
  }
}

/** A run failure code and message from what an activity (or the workflow) threw. Messages are our own. */
function failureOf(error: unknown, step: string): Failure {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  const detail = cause instanceof Error ? cause.message : 'unknown error';
  const type = cause instanceof ApplicationFailure ? cause.type : undefined;
  let code = 'internal_error';
  if (error instanceof ActivityFailure && error.retryState === RetryState.MAXIMUM_ATTEMPTS_REACHED) code = 'retries_exhausted';
  else if (error instanceof ActivityFailure && error.retryState === RetryState.TIMEOUT) code = 'timed_out';
  else if (type !== undefined && type !== null && FAILURE_CODE_OF_TYPE[type]) code = FAILURE_CODE_OF_TYPE[type] as string;
  const why = code === 'retries_exhausted' ? 'ran out of attempts' : 'failed';
  return { code, message: `${step} ${why}: ${detail}`.slice(0, 500) };
}
