import { addSample, formatDuration, formatRate, progressOf, RATE_WINDOW_MS, type ProgressSample } from './progress';

const feed = (readings: Array<[number, number]>): ProgressSample[] => readings.reduce<ProgressSample[]>((acc, [atMs, done]) => addSample(acc, { atMs, done }), []);

describe('progressOf', () => {
  it('counts done as total minus pending and knows no rate from a single poll', () => {
    expect(progressOf({ total: 200, pending: 150 }, feed([[0, 50]]), false)).toEqual({ done: 50, total: 200, fraction: 0.25, ratePerSecond: null, etaSeconds: null });
  });

  it('derives the rate from successive polls and the time left at that rate', () => {
    const samples = feed([
      [0, 0],
      [1000, 10],
      [2000, 20],
    ]);
    expect(progressOf({ total: 100, pending: 80 }, samples, false)).toEqual({ done: 20, total: 100, fraction: 0.2, ratePerSecond: 10, etaSeconds: 8 });
  });

  it('looks only at the recent window, so a slowdown shows', () => {
    const fast = Array.from({ length: 20 }, (_, i) => [i * 1000, i * 100] as [number, number]);
    const stalled = Array.from({ length: 20 }, (_, i) => [20_000 + i * 1000, 1900] as [number, number]);
    const samples = feed([...fast, ...stalled]);
    expect(samples[0]!.atMs).toBeGreaterThanOrEqual(39_000 - RATE_WINDOW_MS - 1000);
    expect(progressOf({ total: 5000, pending: 3100 }, samples, false)).toMatchObject({ ratePerSecond: 0, etaSeconds: null });
  });

  it('restarts the window when a reading goes backwards', () => {
    const samples = feed([
      [0, 50],
      [1000, 60],
      [2000, 40],
    ]);
    expect(samples).toEqual([{ atMs: 2000, done: 40 }]);
  });

  it('is complete, with nothing left, for a finished empty job and a finished one', () => {
    expect(progressOf({ total: 0, pending: 0 }, [], true)).toMatchObject({ fraction: 1, etaSeconds: 0 });
    expect(progressOf({ total: 7, pending: 0 }, feed([[0, 7]]), true)).toMatchObject({ done: 7, fraction: 1, etaSeconds: 0 });
    expect(progressOf({ total: 7, pending: 0 }, feed([[0, 7]]), false)).toMatchObject({ fraction: 1, etaSeconds: 0 });
  });

  it('a running job that has not counted its scope yet is not done', () => {
    expect(progressOf({ total: 0, pending: 0 }, feed([[0, 0]]), false)).toEqual({ done: 0, total: 0, fraction: 0, ratePerSecond: null, etaSeconds: null });
  });

  it('never reports more done than total or less than nothing', () => {
    expect(progressOf({ total: 5, pending: 9 }, [], false)).toMatchObject({ done: 0, fraction: 0 });
    expect(progressOf({ total: 5, pending: -3 }, [], false)).toMatchObject({ done: 5, fraction: 1 });
  });
});

describe('formatting', () => {
  it.each([
    [null, '–'],
    [0.4, '0.4/s'],
    [35.26, '35.3/s'],
    [1234.5, '1235/s'],
  ])('rate %p reads %s', (rate, text) => expect(formatRate(rate)).toBe(text));

  it.each([
    [null, '–'],
    [0, '0s'],
    [4.2, '5s'],
    [75, '1m 15s'],
    [3725, '1h 02m'],
  ])('duration %p reads %s', (seconds, text) => expect(formatDuration(seconds)).toBe(text));
});
