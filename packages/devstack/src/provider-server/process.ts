import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { stopChild } from '../services';
import { type ProviderClient } from './client-auth';
import { ProviderControlClient } from './control-client';
import { type ProviderFaults } from './faults';

export type SpawnProviderServerOptions = {
  clients: readonly ProviderClient[];
  /** 0 (default) picks a free port; pass a previous server's port to restart it "in place". */
  port?: number;
  host?: string;
  faults?: ProviderFaults;
  /** Receives the child's stderr (and any stdout after the ready line). */
  onLog?: (line: string) => void;
  readyTimeoutMs?: number;
};

export type SpawnedProviderServer = {
  url: string;
  port: number;
  pid: number;
  control: ProviderControlClient;
  /** SIGTERM, then SIGKILL after a grace period; resolves once the process has exited. */
  stop(): Promise<void>;
  /** SIGKILL, as a crash would; resolves once the process has exited. */
  kill(): Promise<void>;
};

export class ProviderServerSpawnError extends Error {
  override readonly name = 'ProviderServerSpawnError';
}

const REPO_ROOT = path.resolve(__dirname, '../../../..');
const CLI = path.join(__dirname, 'cli.ts');
const STDERR_TAIL_CHARS = 4_000;

/** Children still running; killed if this process exits without stopping them. */
const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function track(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const orphan of live) orphan.kill('SIGKILL');
  });
}

/**
 * Node with tsx's loader registered in-process (`--import`), rather than the tsx CLI, which
 * would run the server in a grandchild that SIGKILL on the CLI leaves behind.
 */
function tsxImport(): string {
  return pathToFileURL(require.resolve('tsx', { paths: [REPO_ROOT] })).href;
}

function killAndWait(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

type ReadyLine = { url: string; port: number; pid: number };

function waitForReadyLine(child: ChildProcess, timeoutMs: number, stderr: () => string, log: (line: string) => void): Promise<ReadyLine> {
  return new Promise<ReadyLine>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NonNullable<ChildProcess['stdout']> });
    const settle = (outcome: () => void) => {
      clearTimeout(timer);
      child.off('error', onError);
      child.off('exit', onExit);
      lines.off('line', onFirstLine);
      lines.on('line', log);
      outcome();
    };
    const fail = (why: string) => settle(() => reject(new ProviderServerSpawnError(`provider server ${why}${stderr() ? `: ${stderr().trim()}` : ''}`)));
    const onError = (error: Error) => fail(`could not start (${error.message})`);
    const onExit = (code: number | null, signal: string | null) => fail(`exited before it was ready (code ${code}, signal ${signal})`);
    const onFirstLine = (line: string) => {
      let parsed: Partial<ReadyLine> & { ready?: unknown };
      try {
        parsed = JSON.parse(line) as typeof parsed;
      } catch {
        parsed = {};
      }
      const { url, port, pid } = parsed;
      if (parsed.ready === true && typeof url === 'string' && typeof port === 'number' && typeof pid === 'number') settle(() => resolve({ url, port, pid }));
      else fail(`printed an unexpected first line ${JSON.stringify(line.slice(0, 200))}`);
    };
    const timer = setTimeout(() => fail(`did not become ready within ${timeoutMs} ms`), timeoutMs);
    child.once('error', onError);
    child.once('exit', onExit);
    lines.once('line', onFirstLine);
  });
}

/** Starts the provider server in a child process and waits for its ready line. */
export async function spawnProviderServer(options: SpawnProviderServerOptions): Promise<SpawnedProviderServer> {
  const args = ['--import', tsxImport(), CLI, '--exit-with-parent', '--port', String(options.port ?? 0), '--clients', JSON.stringify(options.clients)];
  if (options.host !== undefined) args.push('--host', options.host);
  if (options.faults !== undefined) args.push('--faults', JSON.stringify(options.faults));
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  track(child);
  const log = options.onLog ?? (() => undefined);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    stderr = (stderr + text).slice(-STDERR_TAIL_CHARS);
    log(text);
  });

  const ready = await waitForReadyLine(child, options.readyTimeoutMs ?? 30_000, () => stderr, log).catch(async (error: unknown) => {
    await killAndWait(child);
    throw error;
  });
  child.on('error', (error) => log(`provider server process error: ${error.message}\n`));

  return {
    ...ready,
    control: new ProviderControlClient(ready.url),
    stop: () => stopChild(child, 5_000),
    kill: () => killAndWait(child),
  };
}
