import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 16 * 1024;
let pool = Buffer.alloc(0);
let offset = 0;

/**
 * `size` bytes from the operating system's CSPRNG (as crypto.randomBytes), cut from a pool that
 * one randomFillSync refills every 16 KiB: an id or a data key costs a slice, not a call into
 * OpenSSL each (which was an eighth of the bulk import's CPU). No byte is handed out twice; the
 * caller may zero its slice after use (a data key), which zeroes that part of the pool only.
 */
export function freshRandomBytes(size: number): Buffer {
  if (size > POOL_BYTES / 4) return randomFillSync(Buffer.alloc(size));
  if (offset + size > pool.length) {
    pool = randomFillSync(Buffer.allocUnsafeSlow(POOL_BYTES));
    offset = 0;
  }
  const bytes = pool.subarray(offset, offset + size);
  offset += size;
  return bytes;
}
