import { freshRandomBytes } from './random';

test('slices are never handed out twice, across refills of the pool', () => {
  const seen = new Set<string>();
  // 16-byte slices over several 16 KiB pools: a repeat would mean a reused byte range
  for (let i = 0; i < 5_000; i += 1) {
    const hex = freshRandomBytes(16).toString('hex');
    expect(seen.has(hex)).toBe(false);
    seen.add(hex);
  }
});

test('each call gets the size asked for, small or large, and zeroing a slice leaves the next ones random', () => {
  const key = freshRandomBytes(32);
  expect(key).toHaveLength(32);
  key.fill(0);
  const next = freshRandomBytes(32);
  expect(next.equals(Buffer.alloc(32))).toBe(false);
  expect(freshRandomBytes(100_000)).toHaveLength(100_000);
  expect(freshRandomBytes(0)).toHaveLength(0);
});
