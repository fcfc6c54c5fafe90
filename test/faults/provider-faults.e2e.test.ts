/**
 * Both providers answer 30% of revocations with 503 or 429 and a Retry-After; mid-job one of
 * them goes down altogether (connections reset) for a while and comes back by itself. The
 * other provider's lane goes on meanwhile.
 */
import { type ProviderFaults } from '@at/devstack';
import { FaultRun, sleep } from './fault-run';
import { faultSeed, seededRandom, sized } from './figures';

const seed = faultSeed();
const DOWN_MS = sized(5_000, 60_000);
const FLAKY: ProviderFaults = { latencyMs: 10, failureRate: 0.3, retryAfterSeconds: 1 };
let run: FaultRun;

beforeAll(async () => {
  run = await FaultRun.start({
    scenario: 'provider 503/429 + outage',
    seed,
    connections: sized(2_000, 20_000),
    outOfScope: sized(50, 200),
    workers: 2,
    faults: [FLAKY, FLAKY],
    // Retry-After waits dominate, and a page ends with its slowest connection: more of both
    // in flight keep the providers busy
    concurrency: 16,
    pagesInFlight: 8,
    // the outage must fit in one connection's retry budget
    thermosEnv: { PROVIDER_MAX_ATTEMPTS: '40', PROVIDER_RETRY_BUDGET_MS: String(DOWN_MS + 60_000) },
  });
}, 180_000);

afterAll(async () => {
  await run?.stop();
});

test(`30% 503/429 with Retry-After, and one provider down for ${DOWN_MS} ms: every connection ends revoked, none sent twice (seed ${seed})`, async () => {
  const random = seededRandom(seed);
  const beta = run.providers[1]?.server.control;
  if (!beta) throw new Error('no second provider');
  const alpha = run.providers[0]?.server.control;
  if (!alpha) throw new Error('no first provider');
  await run.startJob();
  await run.waitForProgress(0.1 + 0.4 * random());
  // the lanes run side by side: whichever the snapshot copied first, the other soon has its share
  // of the pages (the first gives pages back as they finish the calls they have sent)
  const deadline = Date.now() + 30_000;
  while ((await alpha.stats()).revoked === 0 || (await beta.stats()).revoked === 0) {
    if (Date.now() > deadline) throw new Error('one provider had no revocation 30 s after the other started');
    await sleep(100);
  }
  await beta.setFaults({ ...FLAKY, down: true, downForMs: DOWN_MS });
  const alphaBefore = (await alpha.stats()).revoked;
  await run.note(`beta down for ${DOWN_MS} ms`);
  while ((await beta.faults()).down) await sleep(200);
  const alphaDuring = (await alpha.stats()).revoked - alphaBefore;
  await run.note(`beta back up (alpha revoked ${alphaDuring} meanwhile)`);
  // no process died: every connection is sent until its provider answers, and never again
  const figures = await run.verify(0);
  for (const provider of figures.providers) expect(provider.byStatus['503'] ?? 0).toBeGreaterThan(0);
  // the outage did meet traffic: connections were cut while it lasted
  expect(figures.providers[1]?.byStatus['reset'] ?? 0).toBeGreaterThan(0);
  // and held no other provider back: alpha's lane went on while beta's pages waited
  expect(alphaDuring).toBeGreaterThan(0);
}, 1_800_000);
