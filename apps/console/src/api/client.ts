import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from '../../generated/apollo-api';

/**
 * The one way the console reaches apollo: a client generated from apollo's OpenAPI document. The
 * session cookie rides along by itself (same origin); the CSRF token lives here, in memory only,
 * and goes on every state change.
 */
let csrfToken: string | null = null;
let onSessionEnded: (() => void) | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called once when apollo says the session is gone (expired, signed out elsewhere, token deleted). */
export function whenSessionEnds(callback: (() => void) | null): void {
  onSessionEnded = callback;
}

const session: Middleware = {
  onRequest({ request }) {
    if (request.method !== 'GET' && request.method !== 'HEAD' && csrfToken) request.headers.set('x-csrf-token', csrfToken);
    return request;
  },
  onResponse({ response, request }) {
    const signingIn = request.method === 'POST' && new URL(request.url).pathname === '/console/api/session';
    if (response.status === 401 && !signingIn && csrfToken !== null) {
      csrfToken = null;
      onSessionEnded?.();
    }
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: window.location.origin, credentials: 'same-origin' });
api.use(session);

type ErrorBody = components['schemas']['Error'];

/** An error answer of apollo, in its documented shape. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The data of a successful answer, or an ApiError carrying apollo's code and message. */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (response.ok && data !== undefined) return data;
  const body = (error ?? {}) as Partial<ErrorBody>;
  throw new ApiError(response.status, body.error?.code ?? 'http_error', body.error?.message ?? `apollo answered ${response.status}`);
}

/** The JSON body of a path's answer with a given status. */
export type Answer<P extends keyof paths, M extends keyof paths[P], S extends number> = paths[P][M] extends {
  responses: { [K in S]: { content: { 'application/json': infer B } } };
}
  ? B
  : never;
