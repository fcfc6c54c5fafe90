/**
 * The Temporal dev server (persistent SQLite) stopped and started again mid-job on the same
 * port and file. The shared test server stays up; this scenario runs on one of its own. The
 * worker processes, apollo and thermos keep their connections and must carry on by themselves.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, readDynamicConfig, startTemporalServer, type TemporalServerHandle } from '@at/devstack';
import { FaultRun, TOKENS_PER_CONNECTION, sleep } from './fault-run';
import { faultSeed, seededRandom, sized } from './figures';
import { seedProject } from '../support/seed';

const seed = faultSeed();
const OUTAGE_MS = sized(3_000, 20_000);
let run: FaultRun | undefined;
let temporal: TemporalServerHandle | undefined;
let dir: string;
let port: number;

const startTemporal = () => startTemporalServer({ port, dbFile: path.join(dir, 'temporal.db'), dynamicConfig: readDynamicConfig('test') });

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'at-faults-temporal-'));
  port = await freePort();
  temporal = await startTemporal();
  run = await FaultRun.start({ scenario: 'Temporal restart', seed, connections: sized(2_000, 20_000), outOfScope: sized(50, 200), workers: 2, temporalAddress: temporal.address });
}, 240_000);

afterAll(async () => {
  await run?.stop();
  await temporal?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test(`Temporal restarted mid-job: the same workers resume and finish, every connection exactly once (seed ${seed})`, async () => {
  const f = run as FaultRun;
  const random = seededRandom(seed);
  const pids = f.workers.map((w) => w.child.pid);
  await f.startJob();
  await f.waitForProgress(0.15 + 0.5 * random());
  await (temporal as TemporalServerHandle).stop();
  temporal = undefined;
  await f.note('Temporal stopped');
  await sleep(OUTAGE_MS);
  temporal = await startTemporal();
  const atRestart = await f.progress();
  await f.note('Temporal started again');

  // a page that finished while Temporal was away had nobody to report to: it is run again, and
  // finds nothing pending; in-flight connections keep going, so nothing needs sending twice
  await f.verify(f.inFlight * TOKENS_PER_CONNECTION);
  expect(f.workers.map((w) => w.child.pid)).toEqual(pids);
  expect(atRestart).toBeLessThan(1);

  // apollo's client reconnected too: it starts a new run, which a worker picks up and finishes
  const empty = await seedProject(f.stack, f.tenant.orgToken, 'empty');
  const created = await f.stack.request<Record<string, unknown>>('POST', '/api/v1/revoke_jobs', { headers: { 'x-api-key': empty.apiKey }, body: { scope: { type: 'project' } } });
  expect(created.status).toBe(202);
  let job: Record<string, unknown> = created.body;
  while (job['status'] === 'running') {
    await sleep(250);
    job = (await f.stack.request<Record<string, unknown>>('GET', `/api/v1/revoke_jobs/${created.body['id'] as string}`, { headers: { 'x-api-key': empty.apiKey } })).body;
  }
  expect(job).toMatchObject({ status: 'completed', counts: { total: 0 } });
}, 1_800_000);
