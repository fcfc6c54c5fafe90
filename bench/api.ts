/** A minimal client of apollo's public HTTP API. */
export type ApiResponse<T> = { status: number; body: T; ms: number };

export class Api {
  constructor(readonly baseUrl: string) {}

  async request<T = Record<string, unknown>>(method: string, route: string, headers: Record<string, string>, body?: unknown): Promise<ApiResponse<T>> {
    const started = performance.now();
    const response = await fetch(`${this.baseUrl}${route}`, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : null) as T, ms: performance.now() - started };
  }

  /** Like request, but anything other than 2xx throws with the response. */
  async expect<T = Record<string, unknown>>(method: string, route: string, headers: Record<string, string>, body?: unknown): Promise<T> {
    const res = await this.request<T>(method, route, headers, body);
    if (res.status < 200 || res.status >= 300) throw new Error(`${method} ${route} answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  }
}
