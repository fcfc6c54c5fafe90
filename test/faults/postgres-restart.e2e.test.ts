/**
 * Postgres stopped and started again mid-job (same data directory, same port). The shared
 * Postgres of the jest set-up must stay up for everyone else, so this scenario runs on a
 * dedicated embedded Postgres of its own.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrate } from '@at/db';
import { freePort } from '@at/devstack';
import { startPostgresProcess, type PostgresProcess } from '../support/postgres-process';
import { FaultRun, TOKENS_PER_CONNECTION, sleep } from './fault-run';
import { faultSeed, seededRandom, sized } from './figures';

const seed = faultSeed();
const RESTARTS = sized(1, 2);
const OUTAGE_MS = sized(3_000, 15_000);
let run: FaultRun | undefined;
let pg: PostgresProcess | undefined;
let parent: string;
let port: number;

const startPostgres = () => startPostgresProcess({ dataDir: path.join(parent, 'data'), port });

beforeAll(async () => {
  parent = mkdtempSync(path.join(os.tmpdir(), 'at-faults-pg-'));
  chmodSync(parent, 0o755); // initdb runs as the unprivileged postgres user
  port = await freePort();
  pg = await startPostgres();
  await migrate(pg.url);
  run = await FaultRun.start({ scenario: 'Postgres restart', seed, connections: sized(2_000, 20_000), outOfScope: sized(50, 200), workers: 2, databaseUrl: pg.url });
}, 240_000);

afterAll(async () => {
  await run?.stop();
  await pg?.stop();
  rmSync(parent, { recursive: true, force: true });
});

test(`Postgres restarted ${RESTARTS} time(s) mid-job: the job completes with every connection exactly once (seed ${seed})`, async () => {
  const f = run as FaultRun;
  const random = seededRandom(seed);
  await f.startJob();
  for (let i = 0; i < RESTARTS; i += 1) {
    await f.waitForProgress(0.1 + (0.6 * (i + random())) / RESTARTS);
    await (pg as PostgresProcess).stop();
    pg = undefined;
    await f.note('Postgres stopped');
    await sleep(OUTAGE_MS);
    pg = await startPostgres();
    await f.note('Postgres started again');
  }
  // a connection whose provider answer was not yet written when the database went away is sent again
  await f.verify(RESTARTS * f.inFlight * TOKENS_PER_CONNECTION);
}, 1_800_000);
