import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { readSearchAttributeFile, TEMPORAL_DIR } from '@at/common';
import { waitFor } from './ports';
import { stopChild } from './services';

export const TEMPORAL_CLI_VERSION = '1.9.1';

/** The project-local Temporal CLI installed by scripts/install-temporal.sh. */
export function temporalBinaryPath(root = path.resolve(__dirname, '../../..')): string {
  const bin = process.env['TEMPORAL_CLI_PATH'] ?? path.join(root, '.tools', 'temporal', TEMPORAL_CLI_VERSION, 'temporal');
  if (!existsSync(bin)) throw new Error(`Temporal CLI not found at ${bin}: run scripts/install-temporal.sh`);
  return bin;
}

export type TemporalServerOptions = {
  port: number;
  /** Web UI port; omit for a headless server. */
  uiPort?: number;
  /** SQLite file for a persistent server; omit for in-memory. */
  dbFile?: string;
  namespace?: string;
  /** Values on top of temporal/dynamic-config.dev.json. */
  dynamicConfig?: Record<string, DynamicConfigValue>;
  /** Register temporal/search-attributes.json at start (default); false starts without them. */
  searchAttributes?: boolean;
  onLog?: (line: string) => void;
  /** How long the server may take to answer (default 60 s; a loaded machine can need more). */
  startupTimeoutMs?: number;
};

export type TemporalServerHandle = { address: string; uiUrl: string | undefined; process: ChildProcess; stop: () => Promise<void> };

type DynamicConfigValue = string | number | boolean;

/**
 * temporal/dynamic-config.<kind>.json, key → JSON value: `dev` for every dev server we start,
 * `test` on top of it for the test suites' servers.
 */
export function readDynamicConfig(kind: 'dev' | 'test'): Record<string, DynamicConfigValue> {
  const file = path.join(TEMPORAL_DIR, `dynamic-config.${kind}.json`);
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  const valid = (value: unknown) => ['string', 'number', 'boolean'].includes(typeof value);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || !Object.values(parsed).every(valid)) {
    throw new Error(`${file}: expected an object of dynamic config keys to string, number or boolean values`);
  }
  return parsed as Record<string, DynamicConfigValue>;
}

/**
 * Starts `temporal server start-dev` with the dynamic config of temporal/dynamic-config.dev.json
 * (plus `dynamicConfig`) and the search attributes of temporal/search-attributes.json.
 */
export async function startTemporalServer(options: TemporalServerOptions): Promise<TemporalServerHandle> {
  const namespace = options.namespace ?? 'default';
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(options.port), '--namespace', namespace, '--log-level', 'warn'];
  if (options.uiPort !== undefined) args.push('--ui-port', String(options.uiPort));
  else args.push('--headless');
  if (options.dbFile) {
    mkdirSync(path.dirname(options.dbFile), { recursive: true });
    args.push('--db-filename', options.dbFile);
  }
  if (options.searchAttributes !== false) {
    for (const [name, type] of Object.entries(readSearchAttributeFile())) args.push('--search-attribute', `${name}=${type}`);
  }
  for (const [key, value] of Object.entries({ ...readDynamicConfig('dev'), ...options.dynamicConfig })) args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);
  const child = spawn(temporalBinaryPath(), args, { stdio: ['ignore', 'pipe', 'pipe'], detached: false });
  const log = options.onLog ?? (() => undefined);
  child.stdout?.on('data', (chunk: Buffer) => log(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => log(chunk.toString()));
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  const address = `127.0.0.1:${options.port}`;
  try {
    await waitFor('the Temporal dev server', async () => {
      if (exited) throw new Error('temporal exited during start-up');
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await connection.workflowService.describeNamespace({ namespace });
      } finally {
        await connection.close();
      }
    }, options.startupTimeoutMs ?? 60_000, 250);
  } catch (error) {
    // a server that missed its deadline must not keep the port (and the file) from the next try
    await stopChild(child);
    throw error;
  }
  return {
    address,
    uiUrl: options.uiPort !== undefined ? `http://127.0.0.1:${options.uiPort}` : undefined,
    process: child,
    stop: () => stopChild(child),
  };
}
