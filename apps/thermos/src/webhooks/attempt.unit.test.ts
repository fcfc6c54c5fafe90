import { backoffMs, judgeAnswer, type WebhookSettings } from './attempt';

const settings: WebhookSettings = { timeoutMs: 15_000, backoffBaseMs: 5_000, backoffMaxMs: 3_600_000, egress: {} };
const now = Date.parse('2026-12-01T12:00:00Z');
const later = new Date(now + 86_400_000);
const answer = (status: number, retryAfter: string | null = null) => ({ status, retryAfter, body: null, truncated: false });

test('backoff doubles from the base with jitter in its upper half, capped at the max', () => {
  expect(backoffMs(1, settings, () => 0)).toBe(2_500);
  expect(backoffMs(1, settings, () => 1)).toBe(5_000);
  expect(backoffMs(4, settings, () => 1)).toBe(40_000);
  expect(backoffMs(40, settings, () => 1)).toBe(3_600_000);
  expect(backoffMs(40, settings, () => 0)).toBe(1_800_000);
});

test('2xx is delivered, 410 is gone, other answers are retried', () => {
  expect(judgeAnswer(answer(200), 1, later, settings, now)).toEqual({ kind: 'delivered', status: 200 });
  expect(judgeAnswer(answer(204), 1, later, settings, now)).toEqual({ kind: 'delivered', status: 204 });
  expect(judgeAnswer(answer(410), 1, later, settings, now)).toEqual({ kind: 'gone', status: 410 });
  for (const status of [301, 400, 404, 500, 502]) expect(judgeAnswer(answer(status), 1, later, settings, now)).toMatchObject({ kind: 'retry', status });
});

test('Retry-After is honoured on 429 and 503 (seconds or a date), capped at the max backoff; elsewhere ignored', () => {
  expect(judgeAnswer(answer(429, '120'), 1, later, settings, now)).toMatchObject({ kind: 'retry', nextAttemptAt: new Date(now + 120_000) });
  expect(judgeAnswer(answer(503, new Date(now + 60_000).toUTCString()), 1, later, settings, now)).toMatchObject({ kind: 'retry', nextAttemptAt: new Date(now + 60_000) });
  expect(judgeAnswer(answer(429, '999999'), 1, later, settings, now)).toMatchObject({ kind: 'retry', nextAttemptAt: new Date(now + 3_600_000) });
  // a Retry-After of 0 still waits a second: no hot loop against a receiver asking to slow down
  expect(judgeAnswer(answer(429, '0'), 1, later, settings, now)).toMatchObject({ kind: 'retry', nextAttemptAt: new Date(now + 1_000) });
  const on500 = judgeAnswer(answer(500, '120'), 1, later, settings, now);
  expect(on500.kind === 'retry' && on500.nextAttemptAt.getTime() - now).toBeLessThanOrEqual(5_000);
});

test('a retry that would fall after the give-up time ends the delivery failed', () => {
  const soon = new Date(now + 1_000);
  expect(judgeAnswer(answer(500), 3, soon, settings, now)).toMatchObject({ kind: 'failed', status: 500, error: expect.stringContaining('retries exhausted') });
  expect(judgeAnswer(answer(429, '60'), 1, soon, settings, now)).toMatchObject({ kind: 'failed', status: 429 });
});
