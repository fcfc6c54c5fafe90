/**
 * The workflow bundle: the workflow code and everything it imports, compiled by the SDK's
 * bundler into the one file a worker's sandbox runs. In production it is built at build time
 * (`pnpm --filter @at/thermos build` writes dist/workflow-bundle.js and its manifest) and loaded
 * from there; a worker refuses a bundle built by another SDK version, or older than the sources
 * beside it. In development and tests a bundle is built on demand and cached, keyed on the SDK
 * version and every file the bundler read.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';

/** The workspace root: manifest paths are relative to it, so a bundle can be built in one checkout and checked in another. */
export const WORKSPACE_ROOT = path.resolve(__dirname, '../../..');
const WORKFLOWS_ENTRY = path.join(__dirname, 'workflows', 'index.ts');
/** Where `pnpm --filter @at/thermos build` writes the bundle. */
export const BUILT_BUNDLE = path.resolve(__dirname, '../dist/workflow-bundle.js');
const DEV_CACHE = path.resolve(__dirname, '../node_modules/.cache/workflow-bundles');
export const BUILD_COMMAND = 'pnpm --filter @at/thermos build';

/** The SDK packages whose code is inside the bundle (workflow) or runs it (worker). */
const SDK_PACKAGES = ['@temporalio/worker', '@temporalio/workflow'] as const;

export type BundleManifest = {
  /** sha256 of the bundle file: a bundle and a manifest from two builds do not pass for a pair. */
  sha256: string;
  /** Versions of the SDK packages it was built with. */
  sdk: Record<(typeof SDK_PACKAGES)[number], string>;
  /** The workflows module it was built from, relative to the workspace root. */
  entry: string;
  /** Every file the bundler read (workflow sources, shared modules, SDK files), relative to the workspace root, with its sha256. */
  inputs: Record<string, string>;
};

/** A workflow bundle the worker must not load; the message is one line saying what to do. */
export class WorkflowBundleError extends Error {
  override name = 'WorkflowBundleError';
}

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');
const relative = (file: string) => path.relative(WORKSPACE_ROOT, file).split(path.sep).join('/');
const absolute = (file: string) => path.join(WORKSPACE_ROOT, ...file.split('/'));

/** The installed SDK versions (what this process would run a bundle with). */
export function installedSdk(): BundleManifest['sdk'] {
  const versionOf = (name: string) => (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string }).version;
  return Object.fromEntries(SDK_PACKAGES.map((name) => [name, versionOf(name)])) as BundleManifest['sdk'];
}

/** The manifest of a bundle file: `x.js` → `x.json`. */
export const manifestPathOf = (codePath: string) => codePath.replace(/\.js$/, '') + '.json';

const silent = { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * Bundles the workflows into `codePath` and writes its manifest beside it (each file written
 * whole, then renamed into place). The inputs are webpack's own list of the files it read, so
 * nothing the bundle contains is left out of the key.
 */
export async function buildWorkflowBundle(codePath: string): Promise<BundleManifest> {
  const read = new Set<string>();
  const { code } = await bundleWorkflowCode({
    workflowsPath: WORKFLOWS_ENTRY,
    logger: silent,
    webpackConfigHook: (config) => ({
      ...config,
      plugins: [
        ...(config.plugins ?? []),
        {
          apply(compiler) {
            compiler.hooks.afterCompile.tap('thermos-bundle-inputs', (compilation) => {
              for (const file of compilation.fileDependencies) read.add(file);
            });
          },
        },
      ],
    }),
  });
  const inputs: Record<string, string> = {};
  for (const file of read) {
    // directories webpack looked in, and the entry point the bundler generated in memory, are not inputs
    if (!existsSync(file) || !statSync(file).isFile()) continue;
    inputs[relative(realpathSync(file))] = sha256(readFileSync(file));
  }
  const manifest: BundleManifest = {
    sha256: sha256(code),
    sdk: installedSdk(),
    entry: relative(WORKFLOWS_ENTRY),
    inputs: Object.fromEntries(Object.entries(inputs).sort(([a], [b]) => a.localeCompare(b))),
  };
  mkdirSync(path.dirname(codePath), { recursive: true });
  writeWhole(codePath, code);
  writeWhole(manifestPathOf(codePath), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

function writeWhole(file: string, content: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, content);
  renameSync(tmp, file);
}

/**
 * Why the bundle at `codePath` must not be loaded, or null if it may. `sources`: `all` requires
 * every input to be present and unchanged (development); `if-present` checks them only when the
 * workflow sources are beside the bundle (production: an image may ship the bundle alone).
 */
export function bundleProblem(codePath: string, sources: 'all' | 'if-present'): string | null {
  const rebuild = `rebuild it with \`${BUILD_COMMAND}\``;
  if (!existsSync(codePath)) return `no workflow bundle at ${codePath}: build it with \`${BUILD_COMMAND}\``;
  const manifestPath = manifestPathOf(codePath);
  let manifest: BundleManifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPathOf(codePath), 'utf8')) as BundleManifest;
  } catch {
    return `the workflow bundle ${codePath} has no readable manifest (${manifestPath}): ${rebuild}`;
  }
  const sdk = installedSdk();
  for (const name of SDK_PACKAGES) {
    if (manifest.sdk?.[name] !== sdk[name]) return `the workflow bundle ${codePath} was built with ${name} ${manifest.sdk?.[name] ?? 'unknown'} but this worker runs ${sdk[name]}: ${rebuild}`;
  }
  if (sha256(readFileSync(codePath)) !== manifest.sha256) return `the workflow bundle ${codePath} is not the one its manifest describes (another build's file): ${rebuild}`;
  if (sources === 'if-present' && !existsSync(absolute(manifest.entry))) return null;
  for (const [file, hash] of Object.entries(manifest.inputs ?? {})) {
    const full = absolute(file);
    if (!existsSync(full)) return `the workflow bundle ${codePath} was built from ${file}, which is gone: ${rebuild}`;
    if (sha256(readFileSync(full)) !== hash) return `the workflow bundle ${codePath} is older than its sources (${file} changed): ${rebuild}`;
  }
  return null;
}

/**
 * The built bundle a production worker loads (THERMOS_WORKFLOW_BUNDLE, else dist/): its path,
 * or a WorkflowBundleError saying why it may not be loaded.
 */
export function builtWorkflowBundle(codePath = BUILT_BUNDLE): string {
  const problem = bundleProblem(path.resolve(codePath), 'if-present');
  if (problem) throw new WorkflowBundleError(problem);
  return path.resolve(codePath);
}

/**
 * A bundle of the current sources for development and tests: the cached one while the SDK
 * version and every file it was built from are unchanged, else a new build (a couple of
 * seconds). Bundles are named by their hash and `current.json` names the latest, so processes
 * building at once never pair one's manifest with another's file.
 */
export async function workflowBundlePath(cacheDir = DEV_CACHE): Promise<string> {
  const pointer = path.join(cacheDir, 'current.json');
  const cached = cachedBundle(cacheDir, pointer);
  if (cached && bundleProblem(cached, 'all') === null) return cached;
  const staging = path.join(cacheDir, `staging-${process.pid}-${Date.now()}.js`);
  const manifest = await buildWorkflowBundle(staging);
  const codePath = path.join(cacheDir, `workflows-${manifest.sha256.slice(0, 16)}.js`);
  renameSync(manifestPathOf(staging), manifestPathOf(codePath));
  renameSync(staging, codePath);
  writeWhole(pointer, JSON.stringify({ bundle: path.basename(codePath) }));
  prune(cacheDir, codePath);
  return codePath;
}

function cachedBundle(cacheDir: string, pointer: string): string | undefined {
  try {
    const name = (JSON.parse(readFileSync(pointer, 'utf8')) as { bundle?: unknown }).bundle;
    return typeof name === 'string' ? path.join(cacheDir, path.basename(name)) : undefined;
  } catch {
    // no cache yet, or a pointer cut short: build
    return undefined;
  }
}

/** Keeps the few newest cached bundles (another process may be about to load one). */
function prune(cacheDir: string, keep: string): void {
  const bundles = readdirSync(cacheDir)
    .filter((f) => /^workflows-[0-9a-f]{16}\.js$/.test(f))
    .map((f) => path.join(cacheDir, f))
    .filter((f) => f !== keep)
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  for (const old of bundles.slice(2)) {
    for (const file of [old, manifestPathOf(old)]) {
      try {
        unlinkSync(file);
      } catch {
        // another process pruned it first
      }
    }
  }
}
