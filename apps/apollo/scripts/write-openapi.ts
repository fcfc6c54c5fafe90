/**
 * Writes apollo's OpenAPI document to generated/openapi.json without starting anything: the
 * document comes from the route schemas. The console and the CLI generate their client from it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { apolloOpenApi } from '../src/app';
import type { ApolloContext } from '../src/context';

const unused = new Proxy({}, { get: () => { throw new Error('not available while writing the OpenAPI document'); } });
const noAuth = async () => ({});
const { document } = apolloOpenApi({ ...(unused as object), env: unused, cursors: unused, auth: { project: noAuth, org: noAuth, session: noAuth, admin: noAuth } } as unknown as ApolloContext);
const out = path.resolve(__dirname, '../generated/openapi.json');
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(document, null, 2)}\n`);
