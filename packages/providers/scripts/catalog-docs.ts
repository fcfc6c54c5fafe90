// Regenerates the catalog section of docs/providers.md from packages/providers/catalog/*.json
// (pnpm catalog:docs); the hand-written text around the section is kept.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { renderCatalogSection, spliceCatalogSection } from '../src/catalog/docs';
import { PROVIDERS_DOC } from '../src/catalog/docs-file';
import { loadCatalog } from '../src/catalog/load';

const entries = [...loadCatalog().values()];
const current = existsSync(PROVIDERS_DOC) ? readFileSync(PROVIDERS_DOC, 'utf8') : '# Providers\n';
writeFileSync(PROVIDERS_DOC, spliceCatalogSection(current, renderCatalogSection(entries)));
console.log(`wrote ${PROVIDERS_DOC} (${entries.length} toolkits)`);
