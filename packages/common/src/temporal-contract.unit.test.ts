import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SearchAttributeType } from '@temporalio/common';
import { SEARCH_ATTRIBUTES } from './temporal-contract';
import { readSearchAttributeFile, searchAttributeEnumSuffix, SEARCH_ATTRIBUTE_TYPE_NAMES } from './temporal-files';

test('SEARCH_ATTRIBUTES names exactly the attributes of temporal/search-attributes.json, with their types', () => {
  const typeName = (type: string) => SEARCH_ATTRIBUTE_TYPE_NAMES.find((name) => searchAttributeEnumSuffix(name) === type);
  const fromCode = Object.fromEntries(Object.values(SEARCH_ATTRIBUTES).map((key) => [key.name, typeName(key.type)]));
  expect(fromCode).toEqual(readSearchAttributeFile());
});

test("each type name of the file is one of the SDK's search attribute types", () => {
  expect(SEARCH_ATTRIBUTE_TYPE_NAMES.map(searchAttributeEnumSuffix)).toEqual(Object.values(SearchAttributeType));
});

test('a file with an unknown type or a bad name is refused, naming the file and the entry', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'at-sa-'));
  const file = path.join(dir, 'search-attributes.json');
  writeFileSync(file, JSON.stringify({ AtJobId: 'String' }));
  expect(() => readSearchAttributeFile(file)).toThrow(/search-attributes\.json: AtJobId/);
  writeFileSync(file, JSON.stringify({ 'At Job': 'Keyword' }));
  expect(() => readSearchAttributeFile(file)).toThrow(/search-attributes\.json/);
});
