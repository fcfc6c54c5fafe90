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
    if (schema.format === 'date-time' && Number.isNaN(Date.parse(value))) problems.push(`${at}: not a date-time`);
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
