/**
 * Writes the run API's OpenAPI document to generated/openapi.json without starting anything:
 * the document comes from the route schemas. apollo generates its thermos client from it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { thermosOpenApi } from '../src/http/app';
import type { ThermosHttpContext } from '../src/http/context';

const unused = new Proxy({}, { get: () => { throw new Error('not available while writing the OpenAPI document'); } });
const { document } = thermosOpenApi({ db: unused, temporal: unused, cursors: unused, auth: async () => ({ kind: 'service' }) } as unknown as ThermosHttpContext);
const out = path.resolve(__dirname, '../generated/openapi.json');
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(document, null, 2)}\n`);
