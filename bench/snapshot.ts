/**
 * `pnpm exec tsx bench/snapshot.ts [--connections N] [--rounds R]`: thermos's snapshot alone
 * (snapshotNextPage, the code the snapshotRun activity runs, 10,000 per transaction) over N live
 * connections in an embedded Postgres, with revoke_items' foreign keys as migrated (NOT
 * ENFORCED) and, alternately in the same database, enforced again: what the per-row checks
 * cost, measured back to back so both see the same load (`--skip-enforced`: as migrated only;
 * `--page-size`: REVOKE_SNAPSHOT_PAGE_SIZE; `--first-page-size`: the first transaction's, which
 * also lists the run's sources, as a run's first step is sized to its page slots; `--fresh`: no
 * VACUUM ANALYZE after seeding, as right after a bulk import). Prints seconds per round and the
 * first transaction's, what the first result of a run waits for.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import { createDb, migrate } from '@at/db';
import { freePort, startEmbeddedPostgres } from '@at/devstack';
import { ensureRun, snapshotNextPage } from '../apps/thermos/src/runs/snapshot-store';
import { loadAverage, round } from './process-stats';

const FKS = ['revoke_items_connected_account_id_fkey', 'revoke_items_run_id_fkey'];

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { connections: { type: 'string' }, rounds: { type: 'string' }, 'page-size': { type: 'string' }, 'first-page-size': { type: 'string' }, 'skip-enforced': { type: 'boolean' }, fresh: { type: 'boolean' } } });
  const n = Number((values.connections ?? '100000').replace(/[,_]/g, ''));
  const rounds = Number(values.rounds ?? '2');
  const pageSize = Number(values['page-size'] ?? '10000');
  const firstPageSize = Number(values['first-page-size'] ?? '8000');
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'at-snapshot-'));
  const pg = await startEmbeddedPostgres({ dataDir, port: await freePort(), persistent: false, database: 'snapshot' });
  const db = createDb({ url: pg.url, poolSize: 2, applicationName: 'bench-snapshot' });
  try {
    await migrate(pg.url);
    await db.$executeRawUnsafe(`INSERT INTO orgs (id, name) VALUES ('org_S', 'snapshot')`);
    await db.$executeRawUnsafe(`INSERT INTO projects (id, org_id, name) VALUES ('prj_S', 'org_S', 'snapshot')`);
    await db.$executeRawUnsafe(`INSERT INTO auth_configs (id, org_id, project_id, toolkit, auth_scheme, revocation_endpoint, client_id)
      VALUES ('ac_S', 'org_S', 'prj_S', 'oauth2', 'oauth2', 'http://127.0.0.1:1/revoke', 'snapshot-client')`);
    await db.$executeRawUnsafe(`INSERT INTO connected_accounts (id, org_id, project_id, auth_config_id, user_id)
      SELECT 'ca_' || lpad(i::text, 26, '0'), 'org_S', 'prj_S', 'ac_S', 'user-' || i FROM generate_series(1, ${n}) AS i`);
    await db.$executeRawUnsafe(`INSERT INTO credentials (connected_account_id, sealed) SELECT id, '{}'::jsonb FROM connected_accounts`);
    if (!values.fresh) await db.$executeRawUnsafe('VACUUM ANALYZE');
    await db.$executeRawUnsafe('CHECKPOINT');
    process.stdout.write(`snapshot of ${n.toLocaleString('en-US')} connections, ${pageSize.toLocaleString('en-US')} per transaction\n`);
    for (let round_ = 1; round_ <= rounds; round_ += 1) {
      for (const enforced of values['skip-enforced'] ? [false] : [false, true]) {
        for (const fk of FKS) await db.$executeRawUnsafe(`ALTER TABLE revoke_items ALTER CONSTRAINT ${fk} ${enforced ? 'ENFORCED' : 'NOT ENFORCED'}`);
        const runId = randomUUID();
        await ensureRun(db, runId, 'snapshot-bench', 1000);
        const load = loadAverage();
        const started = performance.now();
        let total = 0;
        let firstSeconds = Number.NaN;
        for (;;) {
          const progress = await snapshotNextPage(db, runId, { kind: 'scope', scope: { type: 'project', id: 'prj_S' } }, false, total === 0 ? firstPageSize : pageSize);
          if (total === 0) firstSeconds = (performance.now() - started) / 1000;
          total = progress.total;
          if (progress.done) break;
        }
        const seconds = (performance.now() - started) / 1000;
        process.stdout.write(
          `round ${round_}, foreign keys ${enforced ? 'enforced    ' : 'NOT ENFORCED'}: ${round(seconds, 2)} s for ${total.toLocaleString('en-US')} items, the first transaction ${round(firstSeconds, 3)} s (load ${load})\n`,
        );
        await db.$executeRawUnsafe('CHECKPOINT');
      }
    }
  } finally {
    await db.$disconnect();
    await pg.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
