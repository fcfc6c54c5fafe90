import { resolve } from 'node:path';

/** Where the generated provider table lives: docs/providers.md at the repository root. */
export const PROVIDERS_DOC = resolve(__dirname, '../../../../docs/providers.md');
