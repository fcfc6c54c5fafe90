import { createHash, timingSafeEqual } from 'node:crypto';

/** Compares two secrets in constant time (over their SHA-256, so lengths leak nothing either). */
export function secretsEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
