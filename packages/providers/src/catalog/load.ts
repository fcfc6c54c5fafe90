import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { z } from 'zod';
import { type CatalogEntry, catalogEntrySchema } from './schema';

/** packages/providers/catalog: one JSON file per provider, named by its slug. */
export const CATALOG_DIR = resolve(__dirname, '../../catalog');

export class CatalogError extends Error {
  override name = 'CatalogError';
}

/**
 * Reads and validates every provider file. Throws one CatalogError listing every problem, each
 * naming the file and the field, so a bad entry is fixed in one pass.
 */
export function loadCatalogFrom(dir: string): ReadonlyMap<string, CatalogEntry> {
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort();
  const entries = new Map<string, CatalogEntry>();
  const problems: string[] = [];
  for (const file of files) {
    const slug = file.slice(0, -'.json'.length);
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    } catch (error) {
      problems.push(`${file}: not valid JSON (${error instanceof Error ? error.message : String(error)})`);
      continue;
    }
    const parsed = catalogEntrySchema.safeParse(raw);
    if (!parsed.success) {
      problems.push(...issuesOf(parsed.error).map((issue) => `${file}: ${issue}`));
      continue;
    }
    if (parsed.data.slug !== slug) {
      problems.push(`${file}: slug: is "${parsed.data.slug}" but the file is named for "${slug}"`);
      continue;
    }
    entries.set(slug, deepFreeze(parsed.data));
  }
  if (files.length === 0) problems.push(`${dir}: no provider files`);
  if (problems.length > 0) throw new CatalogError(`the provider catalog is invalid:\n  ${problems.join('\n  ')}`);
  return entries;
}

let cached: ReadonlyMap<string, CatalogEntry> | undefined;

/** The catalog, read once per process (synchronously, at first use) and frozen. */
export function loadCatalog(): ReadonlyMap<string, CatalogEntry> {
  cached ??= loadCatalogFrom(CATALOG_DIR);
  return cached;
}

function issuesOf(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
