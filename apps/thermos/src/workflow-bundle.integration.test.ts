/**
 * The production path end to end: a worker given a built bundle (THERMOS_WORKFLOW_BUNDLE, as
 * NODE_ENV=production gives it dist/'s) runs its workflows on the real test Temporal server and
 * Postgres; a thermos process whose bundle is missing or was built by another SDK stops before
 * it connects anywhere, with one line saying what to do. (Each refusal: workflow-bundle.unit.test.ts.)
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WORKFLOW_TYPES } from '@at/common';
import { spawnService } from '@at/devstack';
import { seedTenant, startRunHarness, type RunHarness } from '../test/run-harness';
import { buildWorkflowBundle, manifestPathOf, type BundleManifest } from './workflow-bundle';

let dir: string;
let built: string;
let h: RunHarness | undefined;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'thermos-built-bundle-'));
  built = path.join(dir, 'workflow-bundle.js');
  await buildWorkflowBundle(built);
}, 120_000);

afterAll(async () => {
  await h?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('a production worker runs the built bundle: health and an empty revoke run end as they should', async () => {
  h = await startRunHarness({ NODE_ENV: 'production', THERMOS_WORKFLOW_BUNDLE: built });
  expect(h.thermos.workflowBundle).toBe(built);
  const health = await h.temporal.workflow.execute(WORKFLOW_TYPES.health, { taskQueue: h.taskQueue, workflowId: `health-${path.basename(dir)}`, args: [] });
  expect(health).toEqual({ database_time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
  const tenant = await seedTenant(h.db);
  const { workflowId, runId } = await h.startRun({ kind: 'scope', scope: { type: 'project', id: tenant.projectId } });
  expect(await h.waitForEnd(workflowId, runId)).toMatchObject({ status: 'completed', counts: { total: 0 } });
}, 120_000);

describe('a thermos process refuses to start, in one line, before it connects anywhere', () => {
  // nothing listens there: a process that got past the bundle check would fail differently
  const env = {
    NODE_ENV: 'production',
    DATABASE_URL: 'postgresql://nobody@127.0.0.1:9/nothing',
    TEMPORAL_ADDRESS: '127.0.0.1:9',
    THERMOS_SERVICE_TOKEN: 'x'.repeat(24),
    CURSOR_SECRET: 'y'.repeat(32),
    VAULT_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64')}`,
  };

  async function refusal(bundle: string): Promise<{ code: number | null; lines: string[] }> {
    const thermos = spawnService('thermos', 'apps/thermos/src/main.ts', { ...env, THERMOS_WORKFLOW_BUNDLE: bundle });
    const code = await thermos.exited;
    return { code, lines: thermos.lines.filter((line) => line.trim() !== '') };
  }

  test('a missing bundle', async () => {
    const missing = path.join(dir, 'nowhere', 'workflow-bundle.js');
    expect(await refusal(missing)).toEqual({ code: 1, lines: [`thermos failed to start: no workflow bundle at ${missing}: build it with \`pnpm --filter @at/thermos build\``] });
  }, 60_000);

  test('a bundle built by another SDK version', async () => {
    const older = path.join(dir, 'older.js');
    copyFileSync(built, older);
    const manifest = JSON.parse(readFileSync(manifestPathOf(built), 'utf8')) as BundleManifest;
    writeFileSync(manifestPathOf(older), JSON.stringify({ ...manifest, sdk: { ...manifest.sdk, '@temporalio/workflow': '1.11.7' } }));
    const { code, lines } = await refusal(older);
    expect({ code, lines: lines.length }).toEqual({ code: 1, lines: 1 });
    expect(lines[0]).toBe(`thermos failed to start: the workflow bundle ${older} was built with @temporalio/workflow 1.11.7 but this worker runs ${manifest.sdk['@temporalio/workflow']}: rebuild it with \`pnpm --filter @at/thermos build\``);
  }, 60_000);
});
