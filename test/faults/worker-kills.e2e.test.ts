/**
 * Two thermos worker processes; at random moments of the job a worker holding one of its pages
 * is killed with SIGKILL and started again, several times. The job still ends with exactly one
 * outcome per connection.
 */
import { FaultRun, TOKENS_PER_CONNECTION } from './fault-run';
import { faultSeed, seededRandom, sized } from './figures';

const seed = faultSeed();
const KILLS = sized(3, 6);
let run: FaultRun;

beforeAll(async () => {
  run = await FaultRun.start({ scenario: 'worker SIGKILL', seed, connections: sized(2_000, 20_000), outOfScope: sized(50, 200), workers: 2 });
}, 180_000);

afterAll(async () => {
  await run?.stop();
});

test(`workers killed ${KILLS} times at random moments and restarted: every connection ends exactly once (seed ${seed})`, async () => {
  const random = seededRandom(seed);
  const pick = (choices: number[]) => choices[Math.floor(random() * choices.length)] as number;
  // one kill in each of KILLS equal bands of progress between 5% and 90%
  const moments = Array.from({ length: KILLS }, (_, i) => 0.05 + (0.85 * (i + random())) / KILLS);
  const restarts: Array<Promise<void>> = [];
  await run.startJob();
  for (const moment of moments) {
    await run.waitForProgress(moment);
    if (run.liveWorkers().length === 0) await Promise.all(restarts);
    // a worker that holds pages, so the kill interrupts work in flight (any live one otherwise)
    const busy = await run.busyWorkers();
    const victim = pick(busy.length > 0 ? busy : run.liveWorkers());
    await run.killWorker(victim);
    restarts.push(run.restartWorker(victim));
  }
  await Promise.all(restarts);
  // each kill can leave the killed worker's connections in flight unrecorded: those are sent again
  await run.verify(KILLS * run.inFlight * TOKENS_PER_CONNECTION);
}, 1_800_000);
