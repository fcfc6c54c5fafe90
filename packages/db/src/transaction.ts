import type { PrismaClient } from '../generated/prisma/client';
import { isSerializationError } from './errors';

export type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

/** Runs fn in a transaction, retrying serialization failures and deadlocks a few times. */
export async function transaction<T>(
  db: PrismaClient,
  fn: (tx: Tx) => Promise<T>,
  { attempts = 4, isolationLevel }: { attempts?: number; isolationLevel?: 'ReadCommitted' | 'RepeatableRead' | 'Serializable' } = {},
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await db.$transaction(fn, isolationLevel ? { isolationLevel, timeout: 30_000 } : { timeout: 30_000 });
    } catch (error) {
      if (attempt >= attempts || !isSerializationError(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt + Math.random() * 20));
    }
  }
}
