/**
 * `pnpm --filter @at/thermos build`: bundles the workflows into dist/workflow-bundle.js (or
 * `--out <file>`) with its manifest, the bundle a production worker loads.
 */
import path from 'node:path';
import { BUILT_BUNDLE, buildWorkflowBundle, manifestPathOf } from '../src/workflow-bundle';

async function main(): Promise<void> {
  const at = process.argv.indexOf('--out');
  const out = at > 0 && process.argv[at + 1] ? path.resolve(process.argv[at + 1] as string) : BUILT_BUNDLE;
  const manifest = await buildWorkflowBundle(out);
  const sdk = Object.entries(manifest.sdk).map(([name, version]) => `${name} ${version}`).join(', ');
  process.stdout.write(`workflow bundle: ${path.relative(process.cwd(), out)} (${Object.keys(manifest.inputs).length} files, ${sdk}, sha256 ${manifest.sha256.slice(0, 12)}), manifest ${path.relative(process.cwd(), manifestPathOf(out))}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`workflow bundle failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
