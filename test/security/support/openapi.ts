/**
 * The subset of OpenAPI 3.1 / JSON Schema that our generated documents use, and a small
 * conformance check of a value against it (responses, dictionary candidates).
 */
export type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  default?: unknown;
  nullable?: boolean;
  /** The earliest and latest instants a date-time field accepts (our extension; ajv calls them formatMinimum/formatMaximum). */
  'x-format-minimum'?: string;
  'x-format-maximum'?: string;
};

export type Parameter = { name: string; in: 'path' | 'query' | 'header' | 'cookie'; required?: boolean; schema: JsonSchema };
type Content = { content?: Record<string, { schema: JsonSchema }> };
export type Operation = {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: Content;
  responses: Record<string, Content & { description?: string }>;
  security?: Array<Record<string, string[]>>;
};
export type OpenApiDocument = { paths: Record<string, Record<string, Operation>>; components?: { schemas?: Record<string, JsonSchema> } };

export type Endpoint = {
  method: string;
  /** OpenAPI path template, e.g. `/api/v1/auth_configs/{id}`. */
  template: string;
  operation: Operation;
  security: string | undefined;
  pathParams: Parameter[];
  queryParams: Parameter[];
  body: JsonSchema | undefined;
  documented: number[];
};

export function resolve(doc: OpenApiDocument, schema: JsonSchema): JsonSchema {
  if (!schema.$ref) return schema;
  const name = schema.$ref.replace('#/components/schemas/', '');
  const target = doc.components?.schemas?.[name];
  if (!target) throw new Error(`unresolved ${schema.$ref}`);
  return resolve(doc, target);
}

export function endpointsOf(doc: OpenApiDocument): Endpoint[] {
  const endpoints: Endpoint[] = [];
  for (const [template, operations] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const params = operation.parameters ?? [];
      const bodySchema = operation.requestBody?.content?.['application/json']?.schema;
      endpoints.push({
        method: method.toUpperCase(),
        template,
        operation,
        security: Object.keys(operation.security?.[0] ?? {})[0],
        pathParams: params.filter((p) => p.in === 'path'),
        queryParams: params.filter((p) => p.in === 'query'),
        body: bodySchema ? resolve(doc, bodySchema) : undefined,
        documented: Object.keys(operation.responses).map(Number),
      });
    }
  }
  return endpoints;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|([+-])(\d{2}):(\d{2}))$/;

/**
 * RFC 3339 section 5.6 date-time, checked field by field: Date.parse alone accepts February 30
 * and 24:00, and refuses nothing past a leap second's 60 (which RFC 3339 allows).
 */
export function isRfc3339DateTime(value: string): boolean {
  const m = RFC3339.exec(value);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const offsetOk = m[9] === undefined || (Number(m[10]) <= 23 && Number(m[11]) <= 59);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth && hour <= 23 && minute <= 59 && second <= 60 && offsetOk;
}

// In a `u` regex only a lone surrogate half matches \p{Cs}: JSON Schema strings are Unicode text.
const LONE_SURROGATE = /\p{Cs}/u;

const typeOf = (value: unknown): string => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
};

/** Where `value` departs from `schema` (empty: it conforms). Formats other than date-time are not checked. */
export function conformance(doc: OpenApiDocument, rawSchema: JsonSchema, value: unknown, at = '$'): string[] {
  const schema = resolve(doc, rawSchema);
  if (schema.anyOf || schema.oneOf) {
    const branches = (schema.anyOf ?? schema.oneOf ?? []).map((s) => conformance(doc, s, value, at));
    return branches.some((b) => b.length === 0) ? [] : [`${at}: matches no branch (${branches.map((b) => b[0]).join(' | ')})`];
  }
  if (schema.allOf) return schema.allOf.flatMap((s) => conformance(doc, s, value, at));
  if (schema.const !== undefined && value !== schema.const) return [`${at}: not ${JSON.stringify(schema.const)}`];
  if (schema.enum && !schema.enum.includes(value)) return [`${at}: ${JSON.stringify(value)} not in enum`];
  const types = schema.type === undefined ? undefined : Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types) {
    const actual = typeOf(value);
    const ok = types.includes(actual) || (actual === 'integer' && types.includes('number')) || (value === null && schema.nullable === true);
    if (!ok) return [`${at}: ${actual}, expected ${types.join('|')}`];
  }
  const problems: string[] = [];
  if (typeof value === 'string') {
    if (schema.minLength !== undefined && [...value].length < schema.minLength) problems.push(`${at}: shorter than ${schema.minLength}`);
    if (schema.maxLength !== undefined && [...value].length > schema.maxLength) problems.push(`${at}: longer than ${schema.maxLength}`);
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value)) problems.push(`${at}: does not match ${schema.pattern}`);
    if (LONE_SURROGATE.test(value)) problems.push(`${at}: not well-formed Unicode (a lone surrogate)`);
    if (schema.format === 'date-time') {
      if (!isRfc3339DateTime(value) || Number.isNaN(Date.parse(value))) problems.push(`${at}: not an RFC 3339 date-time`);
      else {
        const earliest = schema['x-format-minimum'];
        const latest = schema['x-format-maximum'];
        if (earliest !== undefined && Date.parse(value) < Date.parse(earliest)) problems.push(`${at}: before ${earliest}`);
        if (latest !== undefined && Date.parse(value) > Date.parse(latest)) problems.push(`${at}: after ${latest}`);
      }
    }
    if (schema.format === 'uuid' && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) problems.push(`${at}: not a uuid`);
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) problems.push(`${at}: below ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) problems.push(`${at}: above ${schema.maximum}`);
  }
  if (Array.isArray(value) && schema.items) value.forEach((item, i) => problems.push(...conformance(doc, schema.items as JsonSchema, item, `${at}[${i}]`)));
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    for (const key of schema.required ?? []) if (!(key in record)) problems.push(`${at}.${key}: missing`);
    for (const [key, child] of Object.entries(record)) {
      const propertySchema = schema.properties?.[key];
      if (propertySchema) problems.push(...conformance(doc, propertySchema, child, `${at}.${key}`));
      else if (schema.additionalProperties === false) problems.push(`${at}.${key}: unknown property`);
      else if (typeof schema.additionalProperties === 'object') problems.push(...conformance(doc, schema.additionalProperties, child, `${at}.${key}`));
    }
  }
  return problems;
}
