import type { Logger } from '@at/common';
import { orgsWithOrphans, type PrismaClient } from '@at/db';
import { queueSweepIntents } from '../runs/sweep-store';

// orgs queued per sweep; the rest wait for the next one
const ORGS_PER_SWEEP = 1000;

/** The sweep workflow's activity, bound to its dependencies. */
export function createSweepActivities(deps: { db: PrismaClient; logger: Logger }) {
  return {
    /** Finds the orgs holding orphans (sealed credentials under deleted parents, covered by no run) and queues a sweep job for each. */
    async queueOrphanSweeps(): Promise<{ orgs: number }> {
      const orgs = await orgsWithOrphans(deps.db, ORGS_PER_SWEEP);
      await queueSweepIntents(deps.db, orgs);
      if (orgs.length > 0) deps.logger.info('sweep queued orphan revocation', { orgs: orgs.length });
      return { orgs: orgs.length };
    },
  };
}

export type SweepActivities = ReturnType<typeof createSweepActivities>;
