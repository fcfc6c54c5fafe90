// Regenerates docs/providers.md from packages/providers/catalog/*.json (pnpm catalog:docs).
import { writeFileSync } from 'node:fs';
import { renderProvidersDoc } from '../src/catalog/docs';
import { PROVIDERS_DOC } from '../src/catalog/docs-file';
import { loadCatalog } from '../src/catalog/load';

const entries = [...loadCatalog().values()];
writeFileSync(PROVIDERS_DOC, renderProvidersDoc(entries));
console.log(`wrote ${PROVIDERS_DOC} (${entries.length} toolkits)`);
