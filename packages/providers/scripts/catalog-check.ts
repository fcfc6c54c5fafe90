// Validates every provider file and checks docs/providers.md is current (pnpm catalog:check;
// scripts/test.sh runs it before the test suites). Exits non-zero with the problems listed.
import { readFileSync } from 'node:fs';
import { renderCatalogSection, spliceCatalogSection } from '../src/catalog/docs';
import { PROVIDERS_DOC } from '../src/catalog/docs-file';
import { CatalogError, loadCatalog } from '../src/catalog/load';

try {
  const entries = [...loadCatalog().values()];
  const current = readFileSync(PROVIDERS_DOC, 'utf8');
  if (current !== spliceCatalogSection(current, renderCatalogSection(entries))) {
    console.error('docs/providers.md is out of date with packages/providers/catalog: run pnpm catalog:docs');
    process.exit(1);
  }
  console.log(`catalog ok: ${entries.length} toolkits, docs/providers.md current`);
} catch (error) {
  if (!(error instanceof CatalogError)) throw error;
  console.error(error.message);
  process.exit(1);
}
