import type { PrismaClient } from '../generated/prisma/client';
import { isSerializationError } from './errors';

/** The client Prisma hands to an interactive transaction's callback. */
export type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

/**
 * What every repository and store function takes: the client, or a transaction's client, so
 * callers can compose several of them in one transaction (see `transaction`).
 */
export type DbClient = PrismaClient | Tx;

export type TransactionOptions = {
  /** Tries in all; only serialization failures and deadlocks are retried. */
  attempts?: number;
  isolationLevel?: 'ReadCommitted' | 'RepeatableRead' | 'Serializable';
  /** Longest the transaction may stay open, in ms. */
  timeout?: number;
};

/**
 * Runs fn in a transaction, retrying serialization failures and deadlocks a few times. Given a
 * transaction's client, fn simply joins that transaction: functions that open one compose
 * inside a caller's.
 */
export async function transaction<T>(db: DbClient, fn: (tx: Tx) => Promise<T>, { attempts = 4, isolationLevel, timeout = 30_000 }: TransactionOptions = {}): Promise<T> {
  // A transaction's client cannot disconnect (Prisma denies it $disconnect, though it keeps a
  // $transaction that joins the open one). Inside a caller's transaction nothing is retried here:
  // a serialization failure aborts the whole transaction, so only its opener may try again.
  if (!('$disconnect' in db)) return fn(db);
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await db.$transaction(fn, isolationLevel ? { isolationLevel, timeout } : { timeout });
    } catch (error) {
      if (attempt >= attempts || !isSerializationError(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt + Math.random() * 20));
    }
  }
}
