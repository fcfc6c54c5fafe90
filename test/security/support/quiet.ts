import type { PrismaClient } from '@at/db';

/**
 * Waits until every job's run has written its row and finished: after that nothing writes to
 * the database on its own, so a before/after comparison measures the requests alone.
 */
export async function waitForQuiet(db: PrismaClient, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const busy = await db.$queryRawUnsafe<Array<{ id: string }>>(
      "SELECT j.id FROM jobs j LEFT JOIN revoke_runs r ON r.id = j.run_id WHERE r.id IS NULL OR r.status = 'running'",
    );
    if (busy.length === 0) return;
    if (Date.now() > deadline) throw new Error(`jobs still running after ${timeoutMs} ms: ${busy.map((j) => j.id).join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
