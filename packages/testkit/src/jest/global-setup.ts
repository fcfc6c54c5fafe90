import { chmodSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrate } from '@at/db';
import { ensureDatabase, freePort, readDynamicConfig, startEmbeddedPostgres, startTemporalServer } from '@at/devstack';
import { TEST_ENV, TEMPLATE_DATABASE } from '../test-env';

/**
 * Starts one real Postgres and one real Temporal dev server for the whole integration run.
 * TEST_POSTGRES_ADMIN_URL / TEST_TEMPORAL_ADDRESS point at external servers instead.
 */
export default async function globalSetup(): Promise<void> {
  const started: Array<() => Promise<void>> = [];
  let adminUrl = process.env['TEST_POSTGRES_ADMIN_URL'];
  if (!adminUrl) {
    const parent = mkdtempSync(path.join(os.tmpdir(), 'at-pg-'));
    chmodSync(parent, 0o755); // initdb runs as the unprivileged postgres user
    const dataDir = path.join(parent, 'data');
    const pg = await startEmbeddedPostgres({ dataDir, port: await freePort(), persistent: false, database: 'postgres' });
    started.push(pg.stop);
    adminUrl = pg.adminUrl('postgres');
  }
  const base = new URL(adminUrl);
  await ensureDatabase(adminUrl, TEMPLATE_DATABASE);
  const templateUrl = new URL(base);
  templateUrl.pathname = `/${TEMPLATE_DATABASE}`;
  await migrate(templateUrl.toString());

  let temporalAddress = process.env['TEST_TEMPORAL_ADDRESS'];
  if (!temporalAddress) {
    const temporal = await startTemporalServer({
      port: await freePort(),
      // temporal/dynamic-config.test.json: ordinary test jobs continue-as-new several times
      dynamicConfig: readDynamicConfig('test'),
    });
    started.push(temporal.stop);
    temporalAddress = temporal.address;
  }
  process.env[TEST_ENV.postgresAdminUrl] = adminUrl;
  process.env[TEST_ENV.temporalAddress] = temporalAddress;
  (globalThis as Record<string, unknown>)['__AT_STOP__'] = started;
}
