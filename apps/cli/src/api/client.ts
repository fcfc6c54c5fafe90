import createClient from 'openapi-fetch';
import type { components, paths } from '../../generated/apollo-api';
import type { CliEnv } from '../env';

/** apollo's dashboard surface through the client generated from its OpenAPI document. */
export function apolloClient(env: CliEnv) {
  return createClient<paths>({ baseUrl: env.APOLLO_URL.replace(/\/+$/, ''), headers: { authorization: `Bearer ${env.APOLLO_TOKEN}` } });
}

export type ApolloClient = ReturnType<typeof apolloClient>;

type ErrorBody = components['schemas']['Error'];

/** An answer of apollo that is not a success, with its documented code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: Array<{ path: string; message: string }> = [],
  ) {
    super(message);
  }
}

export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (response.ok && data !== undefined) return data;
  const body = (error ?? {}) as Partial<ErrorBody>;
  throw new ApiError(response.status, body.error?.code ?? 'http_error', body.error?.message ?? `apollo answered ${response.status}`, body.error?.fields ?? []);
}

export type Answer<P extends keyof paths, M extends keyof paths[P], S extends number> = paths[P][M] extends {
  responses: { [K in S]: { content: { 'application/json': infer B } } };
}
  ? B
  : never;
