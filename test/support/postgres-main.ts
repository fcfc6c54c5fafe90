/**
 * A dedicated embedded Postgres in a process of its own, which a test stops and starts again
 * like a database server of its own. Reads PG_DATA_DIR, PG_PORT, PG_DATABASE;
 * prints {"ready":true,"url":...}; SIGTERM (or losing its parent) stops Postgres and exits.
 */
import { startEmbeddedPostgres } from '@at/devstack';

async function main(): Promise<void> {
  const pg = await startEmbeddedPostgres({
    dataDir: process.env['PG_DATA_DIR'] as string,
    port: Number(process.env['PG_PORT']),
    // the data directory must outlive a stop to be started again
    persistent: true,
    database: process.env['PG_DATABASE'] ?? 'faults',
  });
  process.stdout.write(`${JSON.stringify({ ready: true, url: pg.url })}\n`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void pg.stop().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // orphaned (the test process died without stopping it): stop rather than linger
  const parent = process.ppid;
  setInterval(() => process.ppid !== parent && stop(), 1_000).unref();
}

main().catch((error: unknown) => {
  process.stderr.write(`postgres failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
