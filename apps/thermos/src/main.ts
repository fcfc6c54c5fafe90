import { loadThermosEnv } from './env';
import { startThermos } from './thermos';

async function main(): Promise<void> {
  const env = loadThermosEnv();
  const thermos = await startThermos(env);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    thermos.logger.info('draining: finishing in-flight activities', { signal, grace_ms: env.SHUTDOWN_GRACE_MS });
    void thermos.stop().then(() => process.exit(0));
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`thermos failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
