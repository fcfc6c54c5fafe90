import { StatsRecorder } from './stats';

function arriveAt(stats: StatsRecorder, times: number[]): void {
  for (const time of times) stats.revokeArrived(time);
}

describe('StatsRecorder request rates', () => {
  it('finds the busiest 1,000 ms span even when it straddles a second boundary', () => {
    const stats = new StatsRecorder();
    // 5 at the end of second 10 and 5 at the start of second 11: 5 per aligned second, 10 sliding
    arriveAt(stats, [10_600, 10_700, 10_800, 10_900, 10_999, 11_000, 11_100, 11_200, 11_300, 11_400]);
    expect(stats.snapshot()).toMatchObject({ revokeRequests: 10, maxPerSecond: 5, maxPerSlidingSecond: 10 });
  });

  it('drops arrivals exactly 1,000 ms old from the sliding window', () => {
    const stats = new StatsRecorder();
    arriveAt(stats, [0, 1_000, 2_000, 3_000]);
    expect(stats.snapshot().maxPerSlidingSecond).toBe(1);
  });

  it('keeps exact counts when the ring wraps around and grows', () => {
    const stats = new StatsRecorder();
    arriveAt(stats, Array.from({ length: 1_000 }, (_, i) => i / 10_000)); // all within the first 0.1 ms
    arriveAt(stats, Array.from({ length: 3_000 }, (_, i) => 1_000.5 + i / 10)); // evicts those, wraps, grows
    arriveAt(stats, [1_999]); // still sees all 3,000 of the second batch
    arriveAt(stats, [2_300.45]); // sees only the previous arrival
    expect(stats.snapshot()).toMatchObject({ revokeRequests: 4_002, maxPerSecond: 3_001, maxPerSlidingSecond: 3_001 });
  });

  it('returns the count in the current aligned second, for the ceiling', () => {
    const stats = new StatsRecorder();
    expect([999, 1_000, 1_001, 1_999, 2_000].map((time) => stats.revokeArrived(time))).toEqual([1, 1, 2, 3, 1]);
  });
});

describe('StatsRecorder outcomes', () => {
  it('counts repeated revocations per token and revocations of inactive tokens', () => {
    const stats = new StatsRecorder();
    stats.revokeAnswered(200, 'revoked', 'c', 'refresh');
    stats.revokeAnswered(200, 'already_inactive', 'c', 'access'); // died with its grant: first request for it
    stats.revokeAnswered(503, 'injected_failure', 'c');
    stats.revokeAnswered(200, 'already_inactive', 'c', 'refresh');
    stats.revokeAnswered('reset', 'down');
    expect(stats.snapshot()).toMatchObject({
      revoked: 1,
      revokeAfterInactive: 2,
      tokensRevokedMoreThanOnce: 1,
      byStatus: { '200': 3, '503': 1, reset: 1 },
      perClient: { c: { revokeRequests: 4, revoked: 1 } },
    });
  });
});
