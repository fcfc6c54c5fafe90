import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** The repository's temporal/ folder: the search attributes and the dev server's dynamic config. */
export const TEMPORAL_DIR = path.resolve(__dirname, '../../../temporal');

/** Temporal's names of the search attribute types (`temporal operator search-attribute create --type`). */
export const SEARCH_ATTRIBUTE_TYPE_NAMES = ['Text', 'Keyword', 'Int', 'Double', 'Bool', 'Datetime', 'KeywordList'] as const;
export type SearchAttributeTypeName = (typeof SEARCH_ATTRIBUTE_TYPE_NAMES)[number];

const searchAttributeFile = z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/), z.enum(SEARCH_ATTRIBUTE_TYPE_NAMES));

/** temporal/search-attributes.json, name → type: the one list of our custom search attributes. */
export function readSearchAttributeFile(file = path.join(TEMPORAL_DIR, 'search-attributes.json')): Record<string, SearchAttributeTypeName> {
  const parsed = searchAttributeFile.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  return parsed.data;
}

/** `UPPER_SNAKE` of a type name, as protobuf enums spell it (`KeywordList` → `KEYWORD_LIST`). */
export const searchAttributeEnumSuffix = (type: SearchAttributeTypeName): string => type.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
