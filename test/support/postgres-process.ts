import { spawnService, type ServiceProcess } from '@at/devstack';

export type PostgresProcess = { url: string; process: ServiceProcess; stop(): Promise<void> };

/**
 * Starts (or starts again: same data directory and port) a dedicated embedded Postgres in a
 * child process, for a test that restarts Postgres without touching the shared one.
 */
export async function startPostgresProcess(options: { dataDir: string; port: number; database?: string }): Promise<PostgresProcess> {
  const child = spawnService('postgres', 'test/support/postgres-main.ts', {
    PG_DATA_DIR: options.dataDir,
    PG_PORT: String(options.port),
    PG_DATABASE: options.database ?? 'faults',
  });
  const ready = await child.waitForLine(/"ready":true/, 120_000);
  const { url } = JSON.parse(ready) as { url: string };
  // SIGTERM: Postgres shuts down fast (open connections are cut), then the process exits
  return { url, process: child, stop: () => child.stop(30_000) };
}
