import { startApollo } from './app';
import { loadApolloEnv } from './env';

async function main(): Promise<void> {
  const env = loadApolloEnv();
  const apollo = await startApollo(env);
  const shutdown = (signal: string) => {
    apollo.context.logger.info('draining', { signal });
    void apollo.stop().then(() => process.exit(0));
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`apollo failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
