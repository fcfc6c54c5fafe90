import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleProblem, buildWorkflowBundle, builtWorkflowBundle, installedSdk, manifestPathOf, workflowBundlePath, WorkflowBundleError, type BundleManifest } from './workflow-bundle';

let dir: string;
let built: string;
let manifest: BundleManifest;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'thermos-bundle-'));
  built = path.join(dir, 'workflow-bundle.js');
  manifest = await buildWorkflowBundle(built);
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A copy of the built bundle whose manifest is changed by `edit`. */
function copyWith(name: string, edit: (m: BundleManifest) => void): string {
  const codePath = path.join(dir, `${name}.js`);
  copyFileSync(built, codePath);
  const changed = structuredClone(manifest);
  edit(changed);
  writeFileSync(manifestPathOf(codePath), JSON.stringify(changed));
  return codePath;
}

describe('the build', () => {
  test('records the SDK versions, the bundle hash and every workflow source and shared module it read', () => {
    expect(manifest.sdk).toEqual(installedSdk());
    expect(JSON.parse(readFileSync(manifestPathOf(built), 'utf8'))).toEqual(manifest);
    const inputs = Object.keys(manifest.inputs);
    for (const file of ['apps/thermos/src/workflows/index.ts', 'apps/thermos/src/workflows/revoke.ts', 'apps/thermos/src/workflows/sweep.ts', 'apps/thermos/src/workflows/health.ts', 'apps/thermos/src/activities/failure-types.ts', 'packages/common/src/temporal-contract.ts']) {
      expect(inputs).toContain(file);
    }
    // the SDK's own workflow code is inside the bundle, so it is part of the key too
    expect(inputs.some((f) => f.includes('/@temporalio/workflow/lib/'))).toBe(true);
    // symlinked workspace packages are recorded once, by their real path
    expect(inputs.filter((f) => f.includes('node_modules/@at/'))).toEqual([]);
  });
});

describe('a production worker', () => {
  test('loads a current built bundle', () => {
    expect(builtWorkflowBundle(built)).toBe(built);
  });

  test('refuses a missing bundle, naming the file and the build command', () => {
    const missing = path.join(dir, 'nowhere', 'workflow-bundle.js');
    expect(() => builtWorkflowBundle(missing)).toThrow(WorkflowBundleError);
    expect(() => builtWorkflowBundle(missing)).toThrow(`no workflow bundle at ${missing}: build it with \`pnpm --filter @at/thermos build\``);
  });

  test('refuses a bundle without its manifest', () => {
    const codePath = path.join(dir, 'lonely.js');
    copyFileSync(built, codePath);
    expect(() => builtWorkflowBundle(codePath)).toThrow(/has no readable manifest/);
  });

  test.each(['@temporalio/worker', '@temporalio/workflow'] as const)('refuses a bundle built by another version of %s, naming both versions', (name) => {
    const codePath = copyWith(`old-${name.split('/')[1]}`, (m) => {
      m.sdk[name] = '1.11.7';
    });
    expect(() => builtWorkflowBundle(codePath)).toThrow(`was built with ${name} 1.11.7 but this worker runs ${installedSdk()[name]}`);
  });

  test('refuses a bundle file that is not the one its manifest describes', () => {
    const codePath = copyWith('swapped', () => undefined);
    writeFileSync(codePath, `${readFileSync(codePath, 'utf8')}\n// another build`);
    expect(() => builtWorkflowBundle(codePath)).toThrow(/is not the one its manifest describes/);
  });

  test('refuses a bundle older than the workflow sources beside it, naming the changed file', () => {
    const codePath = copyWith('stale', (m) => {
      m.inputs['apps/thermos/src/workflows/revoke.ts'] = '0'.repeat(64);
    });
    expect(() => builtWorkflowBundle(codePath)).toThrow('is older than its sources (apps/thermos/src/workflows/revoke.ts changed)');
  });

  test('loads a bundle shipped without its sources (an image holding only dist/), checking the SDK and the hash', () => {
    const elsewhere = copyWith('image', (m) => {
      m.entry = 'not/shipped/workflows/index.ts';
      m.inputs = { 'not/shipped/workflows/index.ts': '0'.repeat(64) };
    });
    expect(builtWorkflowBundle(elsewhere)).toBe(elsewhere);
    const older = copyWith('image-old-sdk', (m) => {
      m.entry = 'not/shipped/workflows/index.ts';
      m.sdk['@temporalio/worker'] = '1.11.7';
    });
    expect(() => builtWorkflowBundle(older)).toThrow(/was built with @temporalio\/worker 1\.11\.7/);
  });

  test('every refusal is one line', () => {
    const problems = [
      bundleProblem(path.join(dir, 'nowhere.js'), 'if-present'),
      bundleProblem(copyWith('one-line', (m) => void (m.sdk['@temporalio/worker'] = '0.0.1')), 'if-present'),
    ];
    for (const problem of problems) expect(problem).toMatch(/^[^\n]+$/);
  });
});

describe('the development cache', () => {
  let cache: string;
  beforeAll(() => {
    cache = path.join(dir, 'cache');
  });

  const pointed = () => (JSON.parse(readFileSync(path.join(cache, 'current.json'), 'utf8')) as { bundle: string }).bundle;
  const editManifest = (codePath: string, edit: (m: BundleManifest) => void) => {
    const m = JSON.parse(readFileSync(manifestPathOf(codePath), 'utf8')) as BundleManifest;
    edit(m);
    writeFileSync(manifestPathOf(codePath), JSON.stringify(m));
  };

  test('builds once, then reuses the bundle while nothing it was built from changed', async () => {
    const first = await workflowBundlePath(cache);
    expect(bundleProblem(first, 'all')).toBeNull();
    // a build writes a new file and renames it into place: the same inode means no build
    const inode = statSync(first).ino;
    expect(await workflowBundlePath(cache)).toBe(first);
    expect(statSync(first).ino).toBe(inode);
    expect(path.basename(first)).toBe(pointed());
  }, 60_000);

  test('rebuilds when any file the bundle was built from changed, not only workflow sources', async () => {
    const cached = await workflowBundlePath(cache);
    // as if a file of the SDK had changed under the cache (same version, patched install)
    const sdkFile = Object.keys(manifest.inputs).find((f) => f.includes('/@temporalio/workflow/lib/')) as string;
    const inode = statSync(cached).ino;
    editManifest(cached, (m) => void (m.inputs[sdkFile] = '0'.repeat(64)));
    expect(bundleProblem(cached, 'all')).toContain(`${sdkFile} changed`);
    const rebuilt = await workflowBundlePath(cache);
    expect(statSync(rebuilt).ino).not.toBe(inode);
    expect(bundleProblem(rebuilt, 'all')).toBeNull();
  }, 60_000);

  test('rebuilds after an SDK upgrade', async () => {
    const cached = await workflowBundlePath(cache);
    const inode = statSync(cached).ino;
    editManifest(cached, (m) => void (m.sdk['@temporalio/workflow'] = '1.11.7'));
    const rebuilt = await workflowBundlePath(cache);
    expect(statSync(rebuilt).ino).not.toBe(inode);
    expect(JSON.parse(readFileSync(manifestPathOf(rebuilt), 'utf8'))).toMatchObject({ sdk: installedSdk() });
    expect(bundleProblem(rebuilt, 'all')).toBeNull();
  }, 60_000);

  test('a pointer cut short is rebuilt over, not a crash', async () => {
    writeFileSync(path.join(cache, 'current.json'), '{"bund');
    const rebuilt = await workflowBundlePath(cache);
    expect(existsSync(rebuilt)).toBe(true);
    expect(bundleProblem(rebuilt, 'all')).toBeNull();
  }, 60_000);
});
