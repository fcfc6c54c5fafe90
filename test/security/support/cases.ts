import fc from 'fast-check';
import { conformance, resolve, type Endpoint, type JsonSchema, type OpenApiDocument, type Parameter } from './openapi';

/**
 * Request generators from and around an OpenAPI operation: values that conform to the schema
 * (with a dictionary of real ids, cursors and names so requests reach the handlers), and
 * single, labelled departures from it (wrong types, unknown fields, out-of-range values...).
 */

/** Candidate values by field name (`id`, `cursor`, `toolkit`...): used when they conform. */
export type Dictionary = Record<string, string[]>;

export type MutationKind = 'path' | 'query' | 'body';

export type FuzzCase = {
  /** Concrete path, already percent-encoded. */
  path: string;
  query: Array<[string, string]>;
  /** JSON value to send, or undefined for no body. */
  body: unknown;
  /** What was made invalid (one thing per case), or null: the request conforms to the schemas. */
  mutation: { kind: MutationKind; what: string } | null;
};

/** Strings that have broken parsers, loggers and SQL before; all are valid JSON strings. */
export const HOSTILE_STRINGS = [
  "' OR 1=1--",
  "ca_' OR 1=1--",
  "Robert'); DROP TABLE orgs;--",
  '../../../../etc/passwd',
  '..%2f..%2f',
  '%2e%2e%2f',
  '%00',
  '\u0000',
  'nul\u0000byte',
  '\u202eevil\u202c',
  '\u200b\u200d\ufeff',
  'e\u0301\u0301\u0301',
  '🔑👩‍👩‍👧‍👦',
  '\ud800',
  '<script>alert(1)</script>',
  '${{7*7}}{{7*7}}#{7*7}',
  '\r\nx-injected: 1',
  '\t\u001b[31mred\u001b[0m',
  '__proto__',
  'constructor',
  '[object Object]',
  'null',
  'NaN',
  '-0',
  '   ',
  '\\',
  '"',
];

const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', '', ' ', 'id', '$where', 'a.b', 'a[b]'];

/** Unicode that is well formed but trips naive code: direction marks, joiners, combining marks, astral planes. */
export const UNICODE_EDGES = [
  '\u202eevil\u202c',
  '\u200f\u05e9\u05dc\u05d5\u05dd',
  '\u0627\u0644\u0633\u0644\u0627\u0645',
  '\u200b\u200c\u200d',
  '\ufeffbom',
  'line\u2028sep\u2029',
  '👩🏽‍💻🏳️‍🌈🇺🇳',
  'a\u0301\u0302\u0303\u0304\u0305',
  'ｆｕｌｌｗｉｄｔｈ１２３',
  '\u{10ffff}\u{e0001}',
  '𝕳𝖊𝖑𝖑𝖔',
  '\ufffd',
];

/** Strings no Unicode text can hold: JSON can escape them, UTF-8 cannot carry them. */
export const LONE_SURROGATES = ['\ud800', 'x\udfff', '\udc00\ud83d', 'end\ud83d'];

/** Date-times every lenient parser accepts but the documented range or RFC 3339 does not. */
export const DATE_TIME_EDGES = [
  '0000-01-01T00:00:00Z',
  '0001-01-01T00:00:00Z',
  '1969-12-31T23:59:59.999Z',
  '9999-12-31T23:59:59-00:01',
  '+010000-01-01T00:00:00Z',
  '-000001-01-01T00:00:00Z',
  '2024-02-30T00:00:00Z',
  '2023-02-29T00:00:00Z',
  '2024-01-01T24:00:00Z',
  '2016-12-31T23:59:60Z',
  '2024-01-01T00:00:00+24:00',
  '2024-01-01T00:00:00',
  '2024-01-01T00:00Z',
  '2024-01-01',
  '2024-01-01T00:00:00.1234Z',
  '1e12',
  'now',
];

/** Query spellings Number() would read as an in-range integer, which the API refuses. */
export const QUERY_NUMBER_EDGES = ['0x10', '0b1', '0o7', '1e1', '+5', ' 5', '5 ', '5.0', '-0', '05', '٥', '５', '1_0', '9007199254740993', '1e309'];

/** JSON text JSON.stringify never writes: out-of-range, negative-zero and over-precise numbers, deep nesting. */
export const RAW_JSON_EDGES = ['1e309', '-1e309', '-0', '1e-400', '123456789012345678901234567890', '0.30000000000000004', `${'['.repeat(3000)}${']'.repeat(3000)}`, `${'{"a":'.repeat(2000)}1${'}'.repeat(2000)}`];

/** A piece of JSON text placed verbatim where a value goes (see `toJsonText`). */
export class RawJson {
  constructor(readonly text: string) {}
}

/** JSON.stringify, except that RawJson values are written as their text. */
export function toJsonText(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : toJsonText(v))).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${toJsonText(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const MAX_GENERATED_LENGTH = 48;

type Site = { pointer: string[]; schema: JsonSchema; required: boolean };

export class CaseGenerator {
  constructor(
    private readonly doc: OpenApiDocument,
    private readonly dictionary: Dictionary,
  ) {}

  private candidates(schema: JsonSchema, name: string | undefined): string[] {
    const values = name === undefined ? [] : (this.dictionary[name] ?? []);
    return values.filter((v) => conformance(this.doc, schema, v).length === 0);
  }

  /** A value that conforms to `schema` (field `name` picks dictionary candidates). */
  valid(rawSchema: JsonSchema, name?: string): fc.Arbitrary<unknown> {
    const schema = resolve(this.doc, rawSchema);
    const generated = this.generate(schema, name);
    const known = this.candidates(schema, name);
    return known.length > 0 ? fc.oneof({ arbitrary: fc.constantFrom(...known), weight: 3 }, { arbitrary: generated, weight: 1 }) : generated;
  }

  private generate(schema: JsonSchema, name: string | undefined): fc.Arbitrary<unknown> {
    const branches = schema.anyOf ?? schema.oneOf;
    if (branches) return fc.oneof(...branches.map((b) => this.valid(b, name)));
    if (schema.const !== undefined) return fc.constant(schema.const);
    if (schema.enum) return fc.constantFrom(...schema.enum);
    const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
    if (types.length > 1) return fc.oneof(...types.map((type) => this.generate({ ...schema, type }, name)));
    switch (types[0]) {
      case 'string':
        return this.string(schema);
      case 'integer':
      case 'number': {
        const min = schema.minimum ?? -1e6;
        const max = schema.maximum ?? 1e6;
        return fc.oneof(fc.integer({ min, max }), fc.constantFrom(min, max));
      }
      case 'boolean':
        return fc.boolean();
      case 'null':
        return fc.constant(null);
      case 'array':
        return fc.array(this.valid(schema.items ?? {}), { maxLength: 3 });
      case 'object': {
        const properties = schema.properties ?? {};
        const model = Object.fromEntries(Object.entries(properties).map(([key, child]) => [key, this.valid(child, key)]));
        return fc.record(model, { requiredKeys: (schema.required ?? []).filter((key) => key in properties) });
      }
      default:
        return fc.jsonValue({ maxDepth: 2 });
    }
  }

  private string(schema: JsonSchema): fc.Arbitrary<string> {
    const min = schema.minLength ?? 0;
    const max = schema.maxLength ?? 256;
    const fits = (s: string) => conformance(this.doc, schema, s).length === 0;
    if (schema.format === 'date-time') return this.dateTime(schema).filter(fits);
    if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern)).filter(fits);
    if (schema.format === 'uuid') return fc.uuid();
    const short = Math.min(max, Math.max(min, MAX_GENERATED_LENGTH));
    const options: Array<fc.Arbitrary<string>> = [
      fc.string({ unit: 'grapheme', minLength: min, maxLength: short }),
      fc.string({ unit: 'binary', minLength: min, maxLength: short }),
      fc.constant('x'.repeat(Math.max(min, 1))),
      // the longest value the schema allows: the "huge but legal" boundary
      fc.constant('y'.repeat(max)),
    ];
    const hostile = [...HOSTILE_STRINGS, ...UNICODE_EDGES].filter((s) => [...s].length >= min && [...s].length <= max);
    if (hostile.length > 0) options.push(fc.constantFrom(...hostile));
    // the longest legal value in characters that take two UTF-16 units each
    if (max <= 10_000) options.push(fc.constant('🔑'.repeat(Math.max(min, max))));
    return fc.oneof(...options).filter(fits);
  }

  /** Instants across the documented range (its first and last included), written with any offset. */
  private dateTime(schema: JsonSchema): fc.Arbitrary<string> {
    const earliest = new Date(schema['x-format-minimum'] ?? '1970-01-01T00:00:00.000Z');
    const latest = new Date(schema['x-format-maximum'] ?? '9999-12-31T23:59:59.999Z');
    const written = (instant: Date, offsetMinutes: number, digits: 0 | 1 | 3): string => {
      const local = new Date(instant.getTime() + offsetMinutes * 60_000).toISOString();
      const sign = offsetMinutes < 0 ? '-' : '+';
      const abs = Math.abs(offsetMinutes);
      const offset = offsetMinutes === 0 ? 'Z' : `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
      const fraction = digits === 0 ? '' : local.slice(19, 20 + digits);
      return `${local.slice(0, 19)}${fraction}${offset}`;
    };
    const offsets = fc.oneof(fc.constant(0), fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 }), fc.constantFrom(-720, 330, 345, 840));
    const fits = (value: string) => conformance(this.doc, schema, value).length === 0;
    // edges that are valid RFC 3339 text (year 0000, year 10000 once the offset applies...): when
    // the document declares no range, they conform and the server must still answer them sanely
    const edges = DATE_TIME_EDGES.filter(fits);
    return fc.oneof(
      fc.tuple(fc.date({ noInvalidDate: true, min: earliest, max: latest }), offsets, fc.constantFrom<0 | 1 | 3>(0, 1, 3)).map(([d, o, digits]) => written(d, o, digits)),
      fc.constantFrom(earliest.toISOString(), latest.toISOString(), written(earliest, 60, 0), written(latest, -60, 3), '2024-02-29T12:00:00+14:00', '2000-02-29T00:00:00.5-12:00'),
      ...(edges.length > 0 ? [{ arbitrary: fc.constantFrom(...edges), weight: 2 }] : []),
    );
  }

  /** One value that certainly breaks `schema` (never coercible into a valid one). */
  invalid(rawSchema: JsonSchema, inQuery: boolean): fc.Arbitrary<{ value: unknown; what: string }> {
    const schema = resolve(this.doc, rawSchema);
    const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
    const breaks = (v: unknown) => conformance(this.doc, schema, v).length > 0;
    const options: Array<fc.Arbitrary<{ value: unknown; what: string }>> = [];
    if (inQuery) {
      // query values are strings; only strings the server cannot coerce into a valid value
      const tries: string[] = ['abc', '', ' ', '1.5', 'NaN', 'Infinity', '1e400', '-1', '0x10x', '[]', "' OR 1=1--", ...QUERY_NUMBER_EDGES, ...UNICODE_EDGES.slice(0, 3)];
      if (schema.minimum !== undefined) tries.push(String(schema.minimum - 1));
      if (schema.maximum !== undefined) tries.push(String(schema.maximum + 1), '9'.repeat(40));
      if (schema.maxLength !== undefined) tries.push('z'.repeat(schema.maxLength + 1));
      if (schema.enum) tries.push('bogus', String(schema.enum[0]).toUpperCase());
      const bad = tries.filter((t) => {
        const asNumber = Number(t);
        // an integer in a query is plain decimal digits (what OpenAPI's form style writes); any other spelling breaks it
        if (types.includes('integer')) return !/^(0|[1-9][0-9]*)$/.test(t) || breaks(asNumber);
        if (types.includes('number')) return t.trim() === '' || !Number.isFinite(asNumber) || breaks(asNumber);
        return breaks(t);
      });
      return fc.constantFrom(...bad).map((value) => ({ value, what: `invalid value ${JSON.stringify(value).slice(0, 40)}` }));
    }
    const wrongTypes: unknown[] = [42, -1.5, true, null, [], {}, 'text', ['x']];
    options.push(
      fc.constantFrom(...wrongTypes.filter(breaks)).map((value) => ({ value, what: `wrong type ${typeOf(value)}` })),
    );
    if (types.includes('string')) {
      if (schema.maxLength !== undefined) {
        const over = schema.maxLength;
        options.push(fc.integer({ min: 1, max: Math.min(4 * over, 40_000) }).map((extra) => ({ value: 'z'.repeat(over + extra), what: `longer than ${over}` })));
      }
      if ((schema.minLength ?? 0) > 0) options.push(fc.constant({ value: '', what: 'empty string' }));
      if (schema.maxLength !== undefined && schema.maxLength <= 10_000) {
        // one character over, in characters of two UTF-16 units: a server counting units would refuse earlier
        options.push(fc.constant({ value: '🔑'.repeat(schema.maxLength + 1), what: `${schema.maxLength + 1} astral characters` }));
      }
      options.push(fc.constantFrom(...LONE_SURROGATES.filter(breaks)).map((value) => ({ value, what: `lone surrogate ${JSON.stringify(value)}` })));
      const nonMatching = [...HOSTILE_STRINGS, ...(schema.format === 'date-time' ? DATE_TIME_EDGES : []), 'not-an-id', 'bogus', '2024-13-45T99:00:00Z'].filter(breaks);
      if ((schema.pattern || schema.enum || schema.format) && nonMatching.length > 0) {
        options.push(fc.constantFrom(...nonMatching).map((value) => ({ value, what: `not matching ${schema.pattern ?? schema.format ?? 'enum'}` })));
      }
    }
    if (types.includes('integer') || types.includes('number')) {
      if (schema.maximum !== undefined) options.push(fc.constant({ value: schema.maximum + 1, what: 'above maximum' }));
      if (schema.minimum !== undefined) options.push(fc.constant({ value: schema.minimum - 1, what: 'below minimum' }));
    } else {
      // numbers and nesting JSON.stringify cannot write, where no number or structure belongs
      options.push(fc.constantFrom(...RAW_JSON_EDGES).map((text) => ({ value: new RawJson(text), what: `raw JSON ${text.slice(0, 24)}` })));
    }
    return fc.oneof(...options);
  }

  /** Every property of a body schema, nested objects included, with its JSON pointer. */
  private sites(schema: JsonSchema, pointer: string[] = []): Site[] {
    const resolved = resolve(this.doc, schema);
    return Object.entries(resolved.properties ?? {}).flatMap(([key, child]) => {
      const here = { pointer: [...pointer, key], schema: resolve(this.doc, child), required: (resolved.required ?? []).includes(key) };
      return [here, ...(here.schema.type === 'object' ? this.sites(here.schema, here.pointer) : [])];
    });
  }

  /** Strict objects of a body schema, where an unknown key must be rejected. */
  private strictObjects(schema: JsonSchema, pointer: string[] = []): string[][] {
    const resolved = resolve(this.doc, schema);
    if (resolved.type !== 'object') return [];
    const here = resolved.additionalProperties === false ? [pointer] : [];
    return [...here, ...Object.entries(resolved.properties ?? {}).flatMap(([key, child]) => this.strictObjects(child, [...pointer, key]))];
  }

  private validPath(endpoint: Endpoint): fc.Arbitrary<Record<string, string>> {
    // a path segment is never empty: an empty one would be another route
    return fc.record(Object.fromEntries(endpoint.pathParams.map((p) => [p.name, this.valid(p.schema, p.name).map(String).filter((v) => v !== '' && fitsInUrl(v))])));
  }

  private validQuery(endpoint: Endpoint): fc.Arbitrary<Array<[string, string]>> {
    return fc
      .record(Object.fromEntries(endpoint.queryParams.map((p) => [p.name, fc.option(this.valid(p.schema, p.name).map(String).filter(fitsInUrl), { nil: undefined })])), { requiredKeys: [] })
      .map((q) => Object.entries(q).filter((e): e is [string, string] => e[1] !== undefined));
  }

  /** Cases for one endpoint: about half conform to the schemas, half break exactly one thing. */
  cases(endpoint: Endpoint): fc.Arbitrary<FuzzCase> {
    const build = (params: Record<string, string>, query: Array<[string, string]>, body: unknown, mutation: FuzzCase['mutation']): FuzzCase => ({
      path: endpoint.template.replace(/\{([^}]+)\}/g, (_m, name: string) => encodeURIComponent(params[name] ?? '')),
      query,
      body,
      mutation,
    });
    const path = this.validPath(endpoint);
    const query = this.validQuery(endpoint);
    const body = endpoint.body ? this.valid(endpoint.body) : fc.constant(undefined);
    const conforming = fc.tuple(path, query, body).map(([p, q, b]) => build(p, q, b, null));
    const mutations: Array<fc.Arbitrary<FuzzCase>> = [];

    for (const param of endpoint.pathParams) {
      const pattern = new RegExp(param.schema.pattern ?? '^$');
      const usable = (s: string) => s.trim() !== '' && !pattern.test(s) && encodable(s);
      const bad = fc.oneof(fc.constantFrom(...HOSTILE_STRINGS.filter(usable)), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 80 }).filter(usable));
      mutations.push(fc.tuple(path, query, body, bad).map(([p, q, b, v]) => build({ ...p, [param.name]: v }, q, b, { kind: 'path', what: `${param.name}=${JSON.stringify(v).slice(0, 40)}` })));
    }
    if (endpoint.queryParams.length > 0) {
      const names = new Set(endpoint.queryParams.map((p) => p.name));
      const unknownName = fc.oneof(fc.constantFrom(...HOSTILE_KEYS.filter((k) => k !== '')), fc.string({ minLength: 1, maxLength: 12 })).filter((k) => !names.has(k));
      mutations.push(fc.tuple(path, query, body, unknownName, fc.string({ maxLength: 12 })).map(([p, q, b, k, v]) => build(p, [...q, [k, v]], b, { kind: 'query', what: `unknown parameter ${JSON.stringify(k)}` })));
      const param = fc.constantFrom(...endpoint.queryParams);
      mutations.push(
        fc.tuple(path, query, body, param).chain(([p, q, b, prm]) =>
          fc.tuple(this.valid(prm.schema, prm.name).map(String).filter(fitsInUrl), this.valid(prm.schema, prm.name).map(String).filter(fitsInUrl)).map(([v1, v2]) =>
            build(p, [...q.filter(([k]) => k !== prm.name), [prm.name, String(v1)], [prm.name, String(v2)]], b, { kind: 'query', what: `duplicate ${prm.name}` }),
          ),
        ),
      );
      mutations.push(
        fc.tuple(path, query, body, param).chain(([p, q, b, prm]) =>
          this.invalid(prm.schema, true).map(({ value, what }) => build(p, [...q.filter(([k]) => k !== prm.name), [prm.name, String(value)]], b, { kind: 'query', what: `${prm.name}: ${what}` })),
        ),
      );
    }
    if (endpoint.body) {
      const schema = endpoint.body;
      const bodies = this.valid(schema) as fc.Arbitrary<Record<string, unknown>>;
      mutations.push(fc.tuple(path, query, fc.constantFrom<unknown>([], [{}], 42, 'text', true, null)).map(([p, q, b]) => build(p, q, b, { kind: 'body', what: `body ${JSON.stringify(b)}` })));
      const strict = this.strictObjects(schema);
      if (strict.length > 0) {
        const key = fc.oneof(fc.constantFrom(...HOSTILE_KEYS), fc.string({ minLength: 1, maxLength: 16 }));
        mutations.push(
          fc.tuple(path, query, bodies, fc.constantFrom(...strict), key, fc.jsonValue({ maxDepth: 1 })).filter(([, , , at, k]) => !Object.hasOwn(propertiesAt(this.doc, schema, at) ?? {}, k)).map(([p, q, b, at, k, v]) =>
            build(p, q, setAt(b, [...at, k], v), { kind: 'body', what: `unknown field ${[...at, k].join('.')}` }),
          ),
        );
      }
      // a key given twice: JSON.parse would keep the last one silently
      mutations.push(
        fc
          .tuple(path, query, bodies, fc.jsonValue({ maxDepth: 1 }))
          .filter(([, , b]) => Object.keys(b).length > 0)
          .chain(([p, q, b, v]) =>
            fc.constantFrom(...Object.keys(b)).map((k) => {
              const text = toJsonText(b);
              return build(p, q, new RawJson(`${text.slice(0, -1)},${JSON.stringify(k)}:${JSON.stringify(v)}}`), { kind: 'body', what: `duplicate key ${k}` });
            }),
          ),
      );
      const sites = this.sites(schema);
      const required = sites.filter((s) => s.required && s.pointer.length === 1);
      if (required.length > 0) {
        mutations.push(fc.tuple(path, query, bodies, fc.constantFrom(...required)).map(([p, q, b, s]) => build(p, q, removeAt(b, s.pointer), { kind: 'body', what: `missing ${s.pointer.join('.')}` })));
      }
      if (sites.length > 0) {
        mutations.push(
          fc.tuple(path, query, bodies, fc.constantFrom(...sites)).chain(([p, q, b, s]) =>
            this.invalid(s.schema, false).map(({ value, what }) => build(p, q, setAt(b, s.pointer, value), { kind: 'body', what: `${s.pointer.join('.')}: ${what}` })),
          ),
        );
      }
    } else {
      mutations.push(
        fc.tuple(path, query, fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { minKeys: 1, maxKeys: 3 })).map(([p, q, b]) =>
          build(p, q, b, { kind: 'body', what: 'a body on an endpoint that takes none' }),
        ),
      );
    }
    return fc.oneof({ arbitrary: conforming, weight: mutations.length }, ...mutations.map((arbitrary) => ({ arbitrary, weight: 1 })));
  }
}

// legal values whose percent-encoding alone passes Node's 16 KiB header limit meet a 431 first
// (hostile-input covers that); a URL value is kept under 8 KiB encoded
function fitsInUrl(value: string): boolean {
  return encodable(value) && encodeURIComponent(value).length <= 8192;
}

function encodable(value: string): boolean {
  try {
    encodeURIComponent(value);
    return true;
  } catch {
    return false; // lone surrogates
  }
}

function typeOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

function propertiesAt(doc: OpenApiDocument, schema: JsonSchema, pointer: string[]): Record<string, JsonSchema> | undefined {
  let current = resolve(doc, schema);
  for (const key of pointer) {
    const next = current.properties?.[key];
    if (!next) return undefined;
    current = resolve(doc, next);
  }
  return current.properties;
}

/** A copy of `value` with `pointer` set (missing parents created). */
function setAt(value: Record<string, unknown>, pointer: string[], leaf: unknown): Record<string, unknown> {
  const [head, ...rest] = pointer;
  if (head === undefined) return value;
  const copy: Record<string, unknown> = { ...value };
  // defineProperty: `copy['__proto__'] = v` would set the prototype, not a field
  const child = copy[head];
  const next = rest.length === 0 ? leaf : setAt(child !== null && typeof child === 'object' && !Array.isArray(child) ? (child as Record<string, unknown>) : {}, rest, leaf);
  Object.defineProperty(copy, head, { value: next, enumerable: true, configurable: true, writable: true });
  return copy;
}

function removeAt(value: Record<string, unknown>, pointer: string[]): Record<string, unknown> {
  const copy = { ...value };
  if (pointer.length === 1) delete copy[pointer[0] as string];
  return copy;
}

/** The query string of a case, each value percent-encoded (duplicates kept). */
export function queryString(query: Array<[string, string]>): string {
  if (query.length === 0) return '';
  return `?${query.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}`;
}

export type { Parameter };
