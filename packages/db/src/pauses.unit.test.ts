import { pauseFor, type PauseRow } from './pauses';

const at = new Date('2026-12-01T12:00:00Z');
const actor = { type: 'admin' as const, id: null };
const operator: PauseRow = { kind: 'operator', projectId: null, reason: 'incident', pausedAt: at, actor };
const project: PauseRow = { kind: 'project', projectId: 'prj_a', reason: 'noisy', pausedAt: at, actor };
const notByEnv = { paused: false, since: at };

test("a project pause holds that project's calls only", () => {
  expect(pauseFor([project], 'prj_a', notByEnv)).toEqual({ by: 'project', reason: 'noisy', since: at });
  expect(pauseFor([project], 'prj_b', notByEnv)).toBeNull();
  expect(pauseFor([], 'prj_a', notByEnv)).toBeNull();
});

test("the operator's pause holds every project and wins over a project's, with its reason", () => {
  expect(pauseFor([project, operator], 'prj_a', notByEnv)).toEqual({ by: 'operator', reason: 'incident', since: at });
  expect(pauseFor([operator], 'prj_b', notByEnv)).toMatchObject({ by: 'operator' });
});

test('PROVIDER_CALLS_PAUSED holds every project as the operator', () => {
  expect(pauseFor([project], 'prj_a', { paused: true, since: at })).toEqual({ by: 'operator', reason: 'PROVIDER_CALLS_PAUSED is set', since: at });
  expect(pauseFor([], 'prj_z', { paused: true, since: at })).toMatchObject({ by: 'operator' });
});
