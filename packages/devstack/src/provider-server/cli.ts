/**
 * Runs the provider server as its own process:
 *   tsx packages/testkit/src/provider-server/cli.ts --port 0 \
 *     --clients '[{"clientId":"c","clientSecret":"s"}]' --latency-ms 0
 * Prints one JSON line `{"ready":true,"url":...,"port":...,"pid":...}` on stdout, then nothing;
 * SIGTERM/SIGINT close it. With --exit-with-parent it also exits when its stdin closes, so a
 * parent that dies without cleaning up does not leave it running.
 */
import { parseArgs } from 'node:util';
import { type ProviderClient } from './client-auth';
import { parseFaults, type ProviderFaults } from './faults';
import { createProviderServer } from './server';

class UsageError extends Error {
  override readonly name = 'UsageError';
}

function number(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) throw new UsageError(`--${flag} must be a number`);
  return parsed;
}

function parseClients(json: string | undefined): ProviderClient[] {
  const clients: unknown = JSON.parse(json ?? '[]');
  const valid =
    Array.isArray(clients) &&
    clients.every((c: unknown) => typeof c === 'object' && c !== null && typeof (c as ProviderClient).clientId === 'string' && typeof (c as ProviderClient).clientSecret === 'string');
  if (!valid || clients.length === 0) throw new UsageError('--clients must be a non-empty JSON array of {clientId, clientSecret}');
  return clients as ProviderClient[];
}

function parseCli(argv: string[]): { port: number; host: string; clients: ProviderClient[]; faults: ProviderFaults; exitWithParent: boolean } {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      clients: { type: 'string' },
      faults: { type: 'string' },
      'latency-ms': { type: 'string' },
      'failure-rate': { type: 'string' },
      'retry-after-seconds': { type: 'string' },
      'ceiling-per-second': { type: 'string' },
      'exit-with-parent': { type: 'boolean', default: false },
    },
  });
  const flags = {
    latencyMs: number('latency-ms', values['latency-ms']),
    failureRate: number('failure-rate', values['failure-rate']),
    retryAfterSeconds: number('retry-after-seconds', values['retry-after-seconds']),
    ceilingPerSecond: number('ceiling-per-second', values['ceiling-per-second']),
  };
  // --faults gives the whole set as JSON; the single flags given override it
  const given = Object.fromEntries(Object.entries(flags).filter(([, value]) => value !== undefined));
  const faults = parseFaults({ ...(JSON.parse(values.faults ?? '{}') as object), ...given });
  return { port: number('port', values.port) ?? 0, host: values.host, clients: parseClients(values.clients), faults, exitWithParent: values['exit-with-parent'] };
}

async function main(): Promise<void> {
  const options = parseCli(process.argv.slice(2));
  const server = await createProviderServer(options);
  let closing = false;
  const shutdown = () => {
    if (closing) return;
    closing = true;
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  if (options.exitWithParent) {
    process.stdin.on('end', shutdown);
    process.stdin.on('close', shutdown);
    process.stdin.resume();
  }
  process.stdout.write(`${JSON.stringify({ ready: true, url: server.url, port: server.port, pid: process.pid })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`provider-server: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
});
