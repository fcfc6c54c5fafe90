/**
 * The histories of real runs kept in test/histories replay against the current workflow code:
 * a change that would make a running workflow take another path fails here, before it is
 * deployed (docs/workflows.md: what to do when a change must differ, and how to add a fixture).
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { createLogger } from '@at/common';
import { installTemporalRuntimeLogger } from './temporal-runtime';
import { HISTORIES_DIR, readHistoryFixtures, type History } from './workflow-histories';
import { workflowBundlePath } from './workflow-bundle';
import * as workflows from './workflows';

const fixtures = readHistoryFixtures();
let codePath: string;

beforeAll(async () => {
  // the replay workers' own logs (state changes) are not the test's output
  installTemporalRuntimeLogger(createLogger({ service: 'test', silent: true }));
  codePath = await workflowBundlePath();
}, 120_000);

test('every fixture replays without nondeterminism', async () => {
  const errors: Record<string, string> = {};
  const results = Worker.runReplayHistories({ workflowBundle: { codePath } }, fixtures.map((f) => ({ workflowId: f.file, history: f.history })));
  let replayed = 0;
  for await (const result of results) {
    replayed += 1;
    if (result.error) errors[result.workflowId] = result.error instanceof Error ? `${result.error.name}: ${result.error.message}` : String(result.error);
  }
  expect(errors).toEqual({});
  expect(replayed).toBe(fixtures.length);
}, 120_000);

test('every workflow the worker registers has a fixture, and the revoke fixtures end every way a run can', () => {
  const covered = new Set(fixtures.map((f) => f.workflowType));
  expect(Object.keys(workflows).filter((name) => !covered.has(name))).toEqual([]);
  const endings = new Set(fixtures.filter((f) => f.workflowType === 'revokeWorkflow').map((f) => closingEvent(f.history)));
  expect([...endings].sort()).toEqual(['workflowExecutionCanceledEventAttributes', 'workflowExecutionCompletedEventAttributes', 'workflowExecutionContinuedAsNewEventAttributes', 'workflowExecutionFailedEventAttributes']);
});

test('a history the current code would not produce fails the replay (the check can fail)', async () => {
  const fixture = fixtures.find((f) => f.file === 'revoke-completed.json');
  if (!fixture) throw new Error('revoke-completed.json is missing');
  const changed = structuredClone(fixture.history);
  const scheduled = changed.events?.find((e) => e.activityTaskScheduledEventAttributes)?.activityTaskScheduledEventAttributes;
  if (!scheduled?.activityType) throw new Error('revoke-completed.json schedules no activity');
  // as if an older release had started with another activity than snapshotRun
  scheduled.activityType.name = 'loadLanes';
  await expect(Worker.runReplayHistory({ workflowBundle: { codePath } }, changed, 'changed')).rejects.toThrow(DeterminismViolationError);
}, 120_000);

test('fixtures are small and hold no credential', () => {
  expect(fixtures.length).toBeGreaterThan(0);
  for (const { file, history } of fixtures) {
    expect({ file, large: statSync(path.join(HISTORIES_DIR, file)).size > 64 * 1024 }).toEqual({ file, large: false });
    const payloads = decodedPayloads(history);
    expect({ file, credentials: payloads.filter((p) => /access_token|refresh_token|secret|bearer|sealed|password|api[_-]?key/i.test(p)) }).toEqual({ file, credentials: [] });
  }
});

/** The attribute name of an execution's last event (how it ended). */
function closingEvent(history: History): string {
  const last = history.events?.[history.events.length - 1] ?? {};
  return Object.keys(last).find((key) => key.startsWith('workflowExecution') && key.endsWith('EventAttributes')) ?? 'none';
}

/** Every payload of a history (inputs, results, failures' details), decoded. */
function decodedPayloads(history: History): string[] {
  const found: string[] = [];
  const walk = (value: unknown): void => {
    if (value instanceof Uint8Array) return void found.push(Buffer.from(value).toString('utf8'));
    if (Array.isArray(value)) return value.forEach(walk);
    if (value !== null && typeof value === 'object') Object.values(value).forEach(walk);
    else if (typeof value === 'string') found.push(value);
  };
  walk(history);
  return found;
}
