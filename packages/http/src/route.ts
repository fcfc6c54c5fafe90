import type { Request, Response, Router } from 'express';
import type { z } from 'zod';
import type { OpenAPIRegistry, RouteConfig } from '@asteasolutions/zod-to-openapi';
import { ValidationError, type FieldIssue } from '@at/common';
import { jsonBodyIssues } from './body';
import { errorResponseSchema } from './openapi';
import { requestIdOf } from './request-context';

export type HttpMethod = 'get' | 'post' | 'delete' | 'patch' | 'put';

export type HandlerResult = { status: number; body: unknown; headers?: Record<string, string> };

export type HandlerContext<A, P, Q, B> = { auth: A; params: P; query: Q; body: B; requestId: string; req: Request; res: Response };

type Schema = z.ZodType;
type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export type RouteDefinition<A, P extends Schema | undefined, Q extends Schema | undefined, B extends Schema | undefined> = {
  method: HttpMethod;
  /** OpenAPI-style path, e.g. `/api/v1/auth_configs/{id}`. */
  path: string;
  operationId: string;
  summary: string;
  tags: string[];
  /** Security scheme name registered in the OpenAPI document, or none. */
  security?: string;
  /** Authenticates the caller; runs before validation so a bad key is always a 401. */
  auth: (req: Request) => Promise<A>;
  params?: P;
  query?: Q;
  body?: B;
  /**
   * A body the handler reads from the request stream itself (its path is in the service's
   * ownBodyPaths), documented here by media type: e.g. a JSON array or NDJSON lines.
   */
  ownBody?: { description: string; content: Record<string, Schema> };
  responses: Record<number, { description: string; schema?: Schema }>;
  handler: (ctx: HandlerContext<A, Out<P>, Out<Q>, Out<B>>) => Promise<HandlerResult>;
};

export type AnyRoute = RouteDefinition<unknown, Schema | undefined, Schema | undefined, Schema | undefined>;

/** Declares one endpoint: its schemas (validation + OpenAPI) and its handler. */
export function defineRoute<A, P extends Schema | undefined = undefined, Q extends Schema | undefined = undefined, B extends Schema | undefined = undefined>(
  route: RouteDefinition<A, P, Q, B>,
): AnyRoute {
  return route as unknown as AnyRoute;
}

export function zodIssuesToFields(prefix: string, error: z.ZodError): FieldIssue[] {
  const fields: FieldIssue[] = [];
  for (const issue of error.issues) {
    const base = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) fields.push({ path: base ? `${base}.${key}` : key, message: 'unknown field' });
    } else {
      fields.push({ path: base || prefix, message: issue.message });
    }
  }
  return fields;
}

function parsePart<S extends Schema | undefined>(schema: S, value: unknown, part: string): Out<S> {
  if (!schema) return undefined as Out<S>;
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(`invalid ${part}`, zodIssuesToFields(part, result.error));
  return result.data as Out<S>;
}

function isNonEmptyBody(body: unknown): boolean {
  return body !== undefined && body !== null && !(typeof body === 'object' && Object.keys(body).length === 0);
}

function expressPath(path: string): string {
  return path.replace(/\{([A-Za-z0-9_]+)\}/g, ':$1');
}

export type MountOptions = {
  /**
   * Security schemes a route's scheme also accepts: OpenAPI lists them as alternatives (any one
   * of them authenticates), e.g. an org token or a console session cookie.
   */
  alternatives?: Record<string, readonly string[]>;
  /**
   * Schemes under which a state change can be refused with 403 although authenticated (a
   * cookie session without its CSRF token), documented on every non-GET route accepting one.
   */
  refusesStateChanges?: Record<string, string>;
  /**
   * Called after a state-changing request (any method but GET) succeeded (2xx), before it is
   * answered: the audit log. It must not throw (the change is made; the caller gets its answer).
   */
  afterStateChange?: (change: StateChange) => Promise<void>;
};

export type StateChange = { route: AnyRoute; auth: unknown; params: unknown; result: HandlerResult; requestId: string };

/** The schemes a route accepts: its own, then its alternatives. */
function schemesOf(route: AnyRoute, options: MountOptions): string[] {
  if (!route.security) return [];
  return [route.security, ...(options.alternatives?.[route.security] ?? [])];
}

/** Mounts routes on an Express router and registers each one in the OpenAPI registry. */
export function mountRoutes(router: Router, registry: OpenAPIRegistry, routes: AnyRoute[], options: MountOptions = {}): void {
  for (const route of routes) {
    router[route.method](expressPath(route.path), async (req, res) => {
      const auth = await route.auth(req);
      const textIssues = jsonBodyIssues(req);
      if (textIssues.length > 0) throw new ValidationError('invalid body', textIssues);
      const params = parsePart(route.params, req.params, 'path');
      const query = parsePart(route.query, { ...(req.query as Record<string, unknown>) }, 'query');
      const body = parsePart(route.body, req.body ?? {}, 'body');
      if (!route.body && isNonEmptyBody(req.body)) throw new ValidationError('this endpoint takes no request body', [{ path: 'body', message: 'unexpected body' }]);
      const result = await route.handler({ auth, params, query, body, requestId: requestIdOf(res), req, res });
      if (route.method !== 'get' && result.status >= 200 && result.status < 300) await options.afterStateChange?.({ route, auth, params, result, requestId: requestIdOf(res) });
      for (const [name, value] of Object.entries(result.headers ?? {})) res.setHeader(name, value);
      res.status(result.status).json(result.body);
    });
    registry.registerPath(toOpenApi(route, options));
  }
}

/**
 * The errors every route of its kind can answer, whatever its handler does: documented so that
 * generated clients and API fuzzers know them. A route's own entry for a status wins.
 */
function standardErrors(route: AnyRoute, options: MountOptions): Record<number, string> {
  const errors: Record<number, string> = { 400: 'invalid request: a path, query or body value that does not validate, or malformed JSON' };
  if (route.security) errors[401] = 'missing or invalid credentials';
  if (route.method !== 'get') {
    const refusal = schemesOf(route, options)
      .map((scheme) => options.refusesStateChanges?.[scheme])
      .find((text) => text !== undefined);
    if (refusal) errors[403] = refusal;
  }
  if (route.path.includes('{')) errors[404] = "not found, or not the caller's";
  if (route.method === 'post' || route.method === 'put' || route.method === 'patch') {
    errors[413] = 'request body over the size limit';
    errors[415] = 'request body is not application/json';
  }
  return errors;
}

function toOpenApi(route: AnyRoute, options: MountOptions): RouteConfig {
  const request: NonNullable<RouteConfig['request']> = {};
  if (route.params) request.params = route.params as never;
  if (route.query) request.query = route.query as never;
  if (route.body) request.body = { required: false, content: { 'application/json': { schema: route.body } } };
  if (route.ownBody) {
    request.body = {
      required: true,
      description: route.ownBody.description,
      content: Object.fromEntries(Object.entries(route.ownBody.content).map(([type, schema]) => [type, { schema: schema as never }])),
    };
  }
  const responses: RouteConfig['responses'] = {};
  for (const [status, description] of Object.entries(standardErrors(route, options))) {
    responses[status] = { description, content: { 'application/json': { schema: errorResponseSchema } } };
  }
  for (const [status, response] of Object.entries(route.responses)) {
    responses[status] = response.schema
      ? { description: response.description, content: { 'application/json': { schema: response.schema } } }
      : { description: response.description };
  }
  const config: RouteConfig = { method: route.method, path: route.path, operationId: route.operationId, summary: route.summary, tags: route.tags, request, responses };
  if (route.security) config.security = schemesOf(route, options).map((scheme) => ({ [scheme]: [] }));
  return config;
}
