import type { Stack } from './stack';

export type LoggedResponse = { method: string; path: string; status: number };

export type ResponseLog = {
  entries: LoggedResponse[];
  /** One request with the response headers too (stack.request drops them), logged like the rest. */
  raw(method: string, path: string, headers?: Record<string, string>): Promise<{ status: number; headers: Headers; body: Record<string, unknown> | null }>;
  /** Every logged response answered 5xx. */
  serverErrors(): LoggedResponse[];
};

/**
 * Logs the status of every request a test file makes through `stack.request` (the seed helpers
 * included), so the file can assert at the end that no 5xx slipped past its assertions.
 */
export function logResponses(stack: Stack): ResponseLog {
  const entries: LoggedResponse[] = [];
  const request = stack.request.bind(stack);
  stack.request = async <T>(method: string, path: string, options?: { headers?: Record<string, string>; body?: unknown }) => {
    const response = await request<T>(method, path, options);
    entries.push({ method, path, status: response.status });
    return response;
  };
  return {
    entries,
    async raw(method, path, headers = {}) {
      const response = await fetch(`${stack.apollo.url}${path}`, { method, headers });
      const text = await response.text();
      entries.push({ method, path, status: response.status });
      return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : null };
    },
    serverErrors: () => entries.filter((entry) => entry.status >= 500),
  };
}
