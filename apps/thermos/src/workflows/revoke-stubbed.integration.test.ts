/**
 * The revoke workflow's own decisions, on the real test Temporal server with the worker's
 * settings, its activities replaced by stand-ins that record every call: a step failing for
 * good ends the run failed through endRun; continue-as-new stops the pages in flight and runs
 * them again in the next execution, each page done once; an empty scope completes without a
 * page; a cancel waits for the pages in flight, then ends the run cancelled. (What the real
 * activities do in those cases: revoke-lifecycle.integration.test.ts.)
 */
import { randomBytes } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { CancelledFailure, Client, Connection, WorkflowFailedError, type WorkflowHandleWithFirstExecutionRunId, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { NativeConnection } from '@temporalio/worker';
import { createLogger, EMPTY_RUN_COUNTS, WORKFLOW_TYPES, type RevokeTuning, type RevokeWorkflowInput } from '@at/common';
import { testEnv } from '@at/testkit';
import { FAILURE_TYPES } from '../activities/failure-types';
import type { PageResult, RevokePageInput } from '../activities/revoke-page';
import { installTemporalRuntimeLogger } from '../temporal-runtime';
import { fetchRunChain } from '../workflow-histories';
import { runWorker, type RunningWorker, type ThermosActivities } from '../worker';
import { workflowBundlePath } from '../workflow-bundle';

type Call = { activity: string; input: unknown; event?: 'returned' | 'stopped' };

/** What one workflow's stand-ins do: a run of `pages` pages of one connection in one lane. */
type Plan = {
  pages: number;
  /** Pages ready once snapshot step `step` (0 for the first) is done (all of them when absent). */
  ready?: (step: number) => number;
  /** Called at the start of each snapshot step (`step`: 0 for the first). */
  snapshot?: (step: number) => Promise<void>;
  /** `call`: how many times this page has been started before (0 on its first attempt). */
  page?: (input: RevokePageInput, call: number) => Promise<PageResult>;
  /** A second lane of `pages` pages (numbered after the first lane's), all made ready by snapshot step `fromStep`. */
  second?: { pages: number; fromStep: number };
};

const done = (n = 1): PageResult => ({ processed: n, revoked: n, already_revoked: 0, unsupported_by_provider: 0, failed: 0, stopped: false });
const stopped: PageResult = { ...done(0), stopped: true };

/** A page that runs (heartbeating, as the real one does) until the workflow cancels it, then returns stopped; done after `ms`. */
async function untilCancelled(ms = Infinity): Promise<PageResult> {
  const ctx = Context.current();
  const until = Date.now() + ms;
  while (!ctx.cancellationSignal.aborted) {
    if (Date.now() >= until) return done();
    ctx.heartbeat();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return stopped;
}

const plans = new Map<string, { plan: Plan; calls: Call[] }>();

/** The stand-ins, dispatching on the calling workflow's id to that test's plan. */
function standIns(): Partial<ThermosActivities> {
  const current = () => {
    const entry = plans.get(Context.current().info.workflowExecution?.workflowId ?? '');
    if (!entry) throw ApplicationFailure.nonRetryable('no plan for this workflow');
    return entry;
  };
  const record = (activity: string, input: unknown, event?: Call['event']) => current().calls.push({ activity, input, ...(event ? { event } : {}) });
  return {
    async snapshotStep(input) {
      const { plan, calls } = current();
      const step = named(calls, 'snapshotStep').length;
      record('snapshotStep', input);
      await plan.snapshot?.(step);
      const ready = Math.min(plan.pages, plan.ready?.(step) ?? plan.pages);
      const firstDone = ready === plan.pages;
      const lane = { lane: 1, firstSeq: 1, lastSeq: ready, firstPage: 0, pages: ready, ...(firstDone ? {} : { open: true }) };
      const held = input.held.includes(1);
      const shapes = held || (input.afterLane === 0 && ready > 0 && input.limit > 0) ? [lane] : [];
      const second = plan.second && step >= plan.second.fromStep ? plan.second : undefined;
      if (second && input.afterLane < 2 && input.limit > shapes.length) {
        shapes.push({ lane: 2, firstSeq: plan.pages + 1, lastSeq: plan.pages + second.pages, firstPage: plan.pages, pages: second.pages });
      }
      const done = firstDone && (plan.second === undefined || second !== undefined);
      record('snapshotStep', { ready }, 'returned');
      const lanes = (ready > 0 ? 1 : 0) + (second ? 1 : 0);
      return { total: ready + (second?.pages ?? 0), done, analyzedAt: 0, lanes, pages: ready + (second?.pages ?? 0), shapes };
    },
    async loadLanes(input) {
      record('loadLanes', input);
      const { plan } = current();
      return input.afterLane === 0 && plan.pages > 0 ? [{ lane: 1, firstSeq: 1, lastSeq: plan.pages, firstPage: 0, pages: plan.pages }] : [];
    },
    async revokePage(input) {
      const { plan, calls } = current();
      const before = calls.filter((c) => c.activity === 'revokePage' && !c.event && (c.input as RevokePageInput).page === input.page).length;
      record('revokePage', input);
      const result = await (plan.page ?? (async () => done()))(input, before);
      record('revokePage', input, result.stopped ? 'stopped' : 'returned');
      return result;
    },
    async completeRun(input) {
      record('completeRun', input);
      const { plan } = current();
      const total = plan.pages + (plan.second?.pages ?? 0);
      return { ...EMPTY_RUN_COUNTS, total, revoked: total };
    },
    async endRun(input) {
      record('endRun', input);
    },
  };
}

let connection: NativeConnection;
let clientConnection: Connection;
let client: Client;
let worker: RunningWorker;
const taskQueue = `revoke-stubbed-${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  installTemporalRuntimeLogger(createLogger({ service: 'test', silent: true }));
  connection = await NativeConnection.connect({ address: testEnv('temporalAddress') });
  worker = await runWorker({ connection, namespace: 'default', taskQueue, workflowBundlePath: await workflowBundlePath(), maxConcurrentActivities: 20, shutdownGraceMs: 1000 }, standIns());
  clientConnection = await Connection.connect({ address: testEnv('temporalAddress') });
  client = new Client({ connection: clientConnection });
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  await clientConnection?.close();
  await connection?.close();
});

async function start(plan: Plan, tuning: Partial<RevokeTuning>): Promise<{ handle: WorkflowHandleWithFirstExecutionRunId; calls: Call[] }> {
  const workflowId = `revoke-stubbed-${randomBytes(6).toString('hex')}`;
  const calls: Call[] = [];
  plans.set(workflowId, { plan, calls });
  const input: RevokeWorkflowInput = { target: { kind: 'scope', scope: { type: 'project', id: 'prj_stubbed' } }, includeDeletedRoot: false, tuning: { pageSize: 1, ...tuning } };
  const handle = await client.workflow.start(WORKFLOW_TYPES.revoke, { taskQueue, workflowId, args: [input] });
  return { handle, calls };
}

const named = (calls: Call[], activity: string) => calls.filter((c) => c.activity === activity && !c.event);
const pagesOf = (calls: Call[], event?: Call['event']) => calls.filter((c) => c.activity === 'revokePage' && c.event === event).map((c) => (c.input as RevokePageInput).page);

async function failureOf(handle: WorkflowHandle): Promise<unknown> {
  const error = await handle.result().then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof WorkflowFailedError)) throw new Error(`expected the workflow to fail, got ${String(error)}`);
  return error.cause;
}

describe('a step that fails for good ends the run failed, through endRun, and starts nothing more', () => {
  test.each([
    {
      what: 'a page raising a non-retryable data error: tried once',
      plan: { pages: 3, page: async (input: RevokePageInput) => (input.page === 1 ? Promise.reject(ApplicationFailure.nonRetryable('value too long', FAILURE_TYPES.dataError)) : done()) },
      tuning: {},
      end: { code: 'data_error', message: 'revokePage (page 1) failed: value too long' },
      pageCalls: [0, 1],
    },
    {
      what: 'a page failing transiently past maxAttempts: tried maxAttempts times',
      plan: { pages: 3, page: async (input: RevokePageInput) => (input.page === 1 ? Promise.reject(ApplicationFailure.retryable('database restarting', FAILURE_TYPES.databaseUnavailable)) : done()) },
      tuning: { maxAttempts: 2 },
      end: { code: 'retries_exhausted', message: 'revokePage (page 1) ran out of attempts: database restarting' },
      pageCalls: [0, 1, 1],
    },
    {
      what: 'the snapshot raising a non-retryable error: no lane loaded, no page',
      plan: { pages: 3, snapshot: () => Promise.reject(ApplicationFailure.nonRetryable('the run row is gone', FAILURE_TYPES.runMissing)) },
      tuning: {},
      end: { code: 'run_missing', message: 'snapshotStep failed: the run row is gone' },
      pageCalls: [],
    },
  ])('$what', async ({ plan, tuning, end, pageCalls }) => {
    const { handle, calls } = await start(plan, { pageParallelism: 1, ...tuning });
    const cause = await failureOf(handle);
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect(cause).toMatchObject({ type: end.code, message: end.message, nonRetryable: true });
    expect(named(calls, 'endRun').map((c) => c.input)).toEqual([{ runId: handle.firstExecutionRunId, end: { status: 'failed', ...end } }]);
    expect(named(calls, 'completeRun')).toEqual([]);
    // one page in flight at a time: after the failure nothing else was started
    expect(named(calls, 'revokePage').map((c) => (c.input as RevokePageInput).page)).toEqual(pageCalls);
    if (pageCalls.length === 0) expect(named(calls, 'loadLanes')).toEqual([]);
  });
});

test('continue-as-new stops the pages in flight and runs them again in the next execution: every page done once, the run completed', async () => {
  const pages = 20;
  // page 0 runs until it is told to stop the first time: it is in flight whenever the server suggests continuing as new
  const { handle, calls } = await start({ pages, page: async (input, call) => (input.page === 0 && call === 0 ? untilCancelled() : done()) }, { pageParallelism: 2 });
  await expect(handle.result()).resolves.toEqual({ runId: handle.firstExecutionRunId, total: pages, pages });
  const chain = await fetchRunChain(client, handle.workflowId, handle.firstExecutionRunId);
  expect(chain.length).toBeGreaterThan(1);
  // the first execution handed page 0 (index 0 of lane 1) to the next one to run again
  const continued = chain[0]?.history.events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes;
  expect(continued).toBeTruthy();
  expect(pagesOf(calls, 'stopped')).toEqual([0]);
  expect(pagesOf(calls, 'returned').sort((a, b) => a - b)).toEqual(Array.from({ length: pages }, (_, i) => i));
  // the whole chain is one run: snapshotted once, completed once, every page under its first run id
  expect(named(calls, 'snapshotStep')).toHaveLength(1);
  expect(named(calls, 'snapshotRun')).toEqual([]);
  expect(named(calls, 'completeRun').map((c) => c.input)).toEqual([{ runId: handle.firstExecutionRunId }]);
  expect(named(calls, 'endRun')).toEqual([]);
  expect(new Set(named(calls, 'revokePage').map((c) => (c.input as RevokePageInput).runId))).toEqual(new Set([handle.firstExecutionRunId]));
}, 120_000);

test('an empty scope completes with nothing scheduled: no lane loaded, no page, no endRun', async () => {
  const { handle, calls } = await start({ pages: 0 }, {});
  await expect(handle.result()).resolves.toEqual({ runId: handle.firstExecutionRunId, total: 0, pages: 0 });
  expect(named(calls, 'snapshotStep').concat(named(calls, 'completeRun')).map((c) => c.activity)).toEqual(['snapshotStep', 'completeRun']);
  expect(calls.filter((c) => !c.event).map((c) => c.activity)).toEqual(['snapshotStep', 'completeRun']);
});

test('cancel: the pages in flight are told to stop and return, then endRun records the run cancelled; no page starts after', async () => {
  const { handle, calls } = await start({ pages: 6, page: () => untilCancelled() }, { pageParallelism: 2 });
  while (named(calls, 'revokePage').length < 2) await new Promise((resolve) => setTimeout(resolve, 20));
  await handle.cancel();
  expect(await failureOf(handle)).toBeInstanceOf(CancelledFailure);
  expect(pagesOf(calls, 'stopped').sort()).toEqual([0, 1]);
  expect(named(calls, 'revokePage')).toHaveLength(2);
  // endRun comes after both pages returned what they were doing
  const ending = calls.findIndex((c) => c.activity === 'endRun');
  expect(ending).toBeGreaterThan(Math.max(...calls.map((c, i) => (c.event === 'stopped' ? i : -1))));
  expect(calls[ending]?.input).toEqual({ runId: handle.firstExecutionRunId, end: { status: 'cancelled', code: 'cancelled', message: 'the job was cancelled' } });
  expect(named(calls, 'completeRun')).toEqual([]);
}, 60_000);

describe('lanes share the run\'s slots', () => {
  // lane 1 (pages 0-5) is slow: a page takes `ms` unless stopped; lane 2 (pages 6-7) is quick
  const slowFirstLane = (ms: number) => (input: RevokePageInput, call: number) => (input.page < 6 && call === 0 ? untilCancelled(ms) : Promise.resolve(done()));
  const tuning = { maxPagesInFlight: 4, pageParallelism: 4 };

  test('a lane that comes after the first took every slot gets its share at once: the lane above its share stops its newest pages, which run again later', async () => {
    const { handle, calls } = await start({ pages: 6, second: { pages: 2, fromStep: 1 }, snapshot: (step) => new Promise((resolve) => setTimeout(resolve, step === 0 ? 0 : 300)), page: slowFirstLane(4_000) }, tuning);
    await expect(handle.result()).resolves.toEqual({ runId: handle.firstExecutionRunId, total: 8, pages: 8 });
    const started = (page: number) => calls.findIndex((c) => c.activity === 'revokePage' && !c.event && (c.input as RevokePageInput).page === page);
    const firstSlowReturned = calls.findIndex((c) => c.activity === 'revokePage' && c.event === 'returned' && (c.input as RevokePageInput).page < 6);
    // lane 2 did not wait for a slow page to end: it got its share (two of the four slots)
    for (const page of [6, 7]) {
      expect(started(page)).toBeGreaterThan(-1);
      expect(started(page)).toBeLessThan(firstSlowReturned);
    }
    // the pages given away were the slow lane's newest (it held pages 0-3), and they ran again
    // (pages stopped later are those of a continue-as-new: the test server suggests it often)
    const stops = calls.filter((c) => c.activity === 'revokePage' && c.event === 'stopped').slice(0, 2);
    expect(stops.map((c) => (c.input as RevokePageInput).page).sort()).toEqual([2, 3]);
    expect(calls.indexOf(stops[0] as Call)).toBeLessThan(started(6));
    expect(pagesOf(calls, 'returned').sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  }, 60_000);

  test('lanes known together split the slots: nothing is stopped', async () => {
    const { handle, calls } = await start({ pages: 6, second: { pages: 2, fromStep: 0 }, page: slowFirstLane(1_000) }, { ...tuning, pageParallelism: 2 });
    await expect(handle.result()).resolves.toEqual({ runId: handle.firstExecutionRunId, total: 8, pages: 8 });
    expect(pagesOf(calls, 'stopped')).toEqual([]);
    expect(pagesOf(calls, 'returned').sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  }, 60_000);
});

describe('a streamed snapshot', () => {
  test('pages run as the steps make them ready: none before its step reported it, the first before the snapshot is done, every page once', async () => {
    const pages = 12;
    const { handle, calls } = await start({ pages, ready: (step) => 3 * (step + 1), snapshot: (step) => new Promise((resolve) => setTimeout(resolve, step === 0 ? 0 : 200)) }, { pageParallelism: 2 });
    await expect(handle.result()).resolves.toEqual({ runId: handle.firstExecutionRunId, total: pages, pages });
    const stepsReturned = calls.filter((c) => c.activity === 'snapshotStep' && c.event === 'returned');
    expect(stepsReturned.map((c) => (c.input as { ready: number }).ready)).toEqual([3, 6, 9, 12]);
    // at each page's start, the pages ready were those of the steps returned so far
    let ready = 0;
    const early: number[] = [];
    for (const call of calls) {
      if (call.activity === 'snapshotStep' && call.event === 'returned') ready = (call.input as { ready: number }).ready;
      if (call.activity === 'revokePage' && !call.event) {
        const page = (call.input as RevokePageInput).page;
        if (page >= ready) early.push(page);
      }
    }
    expect(early).toEqual([]);
    const lastStep = calls.indexOf(stepsReturned.at(-1) as Call);
    expect(calls.findIndex((c) => c.activity === 'revokePage')).toBeLessThan(lastStep);
    expect(pagesOf(calls, 'returned').sort((a, b) => a - b)).toEqual(Array.from({ length: pages }, (_, i) => i));
    // the held (open) lane is refreshed by each step after the one that first reported it
    expect(named(calls, 'snapshotStep').map((c) => (c.input as { held: number[] }).held)).toEqual([[], [1], [1], [1]]);
    expect(named(calls, 'loadLanes')).toEqual([]);
    expect(named(calls, 'completeRun')).toHaveLength(1);
  }, 60_000);

  test('continue-as-new while the snapshot runs: the next execution goes on stepping from where it stood, every page done once', async () => {
    const pages = 30;
    const { handle, calls } = await start({ pages, ready: (step) => 2 * (step + 1) }, { pageParallelism: 2 });
    await expect(handle.result()).resolves.toEqual({ runId: handle.firstExecutionRunId, total: pages, pages });
    const chain = await fetchRunChain(client, handle.workflowId, handle.firstExecutionRunId);
    const continued = chain.map((c) => c.history.events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes).filter((a) => a !== undefined && a !== null);
    const resumes = continued.map((a) => JSON.parse(Buffer.from(a?.input?.payloads?.[0]?.data ?? new Uint8Array()).toString('utf8')).resume);
    // at least one execution handed on a snapshot still running, with its lane held open
    expect(resumes.some((r) => r.snapshot !== undefined && r.lanes.some((l: { open?: boolean }) => l.open))).toBe(true);
    expect(named(calls, 'snapshotStep')).toHaveLength(pages / 2);
    expect(pagesOf(calls, 'returned').sort((a, b) => a - b)).toEqual(Array.from({ length: pages }, (_, i) => i));
    expect(named(calls, 'completeRun')).toHaveLength(1);
  }, 120_000);

  test('the first step reports after one transaction; later ones after their time budget', async () => {
    const { handle, calls } = await start({ pages: 4, ready: (step) => 2 * (step + 1) }, { pageSize: 5, maxPagesInFlight: 3, snapshotPageSize: 10_000, snapshotStepMs: 1_500 });
    await handle.result();
    const inputs = named(calls, 'snapshotStep').map((c) => c.input as { size: number; budgetMs: number });
    expect(inputs).toEqual([
      { ...inputs[0], size: 15, budgetMs: 0 },
      { ...inputs[1], size: 10_000, budgetMs: 1_500 },
    ]);
  }, 60_000);

  test('a cancel while the snapshot runs: no step starts after it, and the run ends cancelled, not completed, even when every page made ready so far is done', async () => {
    // one page ready, then a snapshot that makes no more (a lane still short of a full page)
    const { handle, calls } = await start({ pages: 30, ready: () => 1, snapshot: (step) => new Promise((resolve) => setTimeout(resolve, step === 0 ? 0 : 300)) }, { pageParallelism: 1 });
    while (pagesOf(calls, 'returned').length < 1) await new Promise((resolve) => setTimeout(resolve, 20));
    await handle.cancel();
    expect(await failureOf(handle)).toBeInstanceOf(CancelledFailure);
    const ending = calls.findIndex((c) => c.activity === 'endRun');
    expect(calls[ending]?.input).toEqual({ runId: handle.firstExecutionRunId, end: { status: 'cancelled', code: 'cancelled', message: 'the job was cancelled' } });
    // the step in flight at the cancel returned before endRun; none started after
    expect(calls.slice(ending).filter((c) => c.activity === 'snapshotStep')).toEqual([]);
    expect(named(calls, 'snapshotStep').length).toBeLessThan(30);
    expect(named(calls, 'completeRun')).toEqual([]);
  }, 60_000);
});
