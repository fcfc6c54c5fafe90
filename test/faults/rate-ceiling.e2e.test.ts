/**
 * Two worker processes share one provider whose ceiling is low (50 requests/s): the provider
 * never sees more than that in any second, aligned or sliding, and never has to refuse one.
 */
import { FaultRun, sleep } from './fault-run';
import { faultSeed, sized } from './figures';

const seed = faultSeed();
const CEILING = 50;
let run: FaultRun;

beforeAll(async () => {
  run = await FaultRun.start({
    scenario: 'shared rate ceiling',
    seed,
    // two calls per connection on the capped half: 1,200 in CI keep it at the ceiling for ~25 s
    connections: sized(1_200, 20_000),
    outOfScope: sized(50, 200),
    workers: 2,
    ceilings: [CEILING, undefined],
  });
}, 180_000);

afterAll(async () => {
  await run?.stop();
});

test(`two workers on one provider capped at ${CEILING}/s: its observed maximum never exceeds the ceiling (seed ${seed})`, async () => {
  await run.startJob();
  // both processes take part: each holds a page of the run at some point
  const seen = new Set<number>();
  while (seen.size < run.workers.length && (await run.progress()) < 0.9) {
    for (const worker of await run.busyWorkers()) seen.add(worker);
    await sleep(250);
  }
  await run.note(`workers seen holding pages: ${[...seen].join(', ')}`);
  expect(seen.size).toBe(run.workers.length);

  const figures = await run.verify(0);
  const capped = figures.providers[0];
  expect(capped).toMatchObject({ ceilingViolations: 0 });
  expect(capped?.maxPerSecond).toBeLessThanOrEqual(CEILING);
  expect(capped?.maxPerSlidingSecond).toBeLessThanOrEqual(CEILING);
}, 1_800_000);
