import { proxyActivities, setCurrentDetails } from '@temporalio/workflow';
import type { SweepActivities } from '../activities/sweep';

const { queueOrphanSweeps } = proxyActivities<SweepActivities>({
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '1 minute', maximumAttempts: 10 },
});

/**
 * Run by the sweep Schedule: queues a `sweep` job for every org holding sealed credentials
 * under deleted parents that no run covers. The jobs' runs are ordinary revoke runs.
 */
export async function sweepWorkflow(): Promise<{ orgs: number }> {
  const result = await queueOrphanSweeps();
  setCurrentDetails(`queued ${result.orgs} org(s) for revocation`);
  return result;
}
