import { randomBytes } from 'node:crypto';

// Tests read arbitrary response JSON; typing every body would only restate the schemas.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export type TestResponse = { status: number; body: Json; text: string; headers: Headers };
export type TestExchange = { method: string; path: string; status: number; text: string };

export type RequestOptions = {
  headers?: Record<string, string>;
  /** Sent as JSON (content-type application/json). */
  body?: unknown;
  /** Sent verbatim (set the content-type yourself): malformed JSON, other media types. */
  rawBody?: string;
};

/** Real HTTP to one service, every exchange kept (for "no secret leaks" and "never a 500" checks). */
export type TestClient = {
  /** Every exchange made through `request`, in order. */
  exchanges: TestExchange[];
  request(method: string, path: string, options?: RequestOptions): Promise<TestResponse>;
};

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
export const apiKeyHeader = (key: string) => ({ 'x-api-key': key });

/** A random string that is easy to spot in a leak check. */
export const testSecret = (label: string) => `${label}-${randomBytes(12).toString('hex')}`;

export function createTestClient(baseUrl: string): TestClient {
  const exchanges: TestExchange[] = [];
  const request = async (method: string, path: string, { headers = {}, body, rawBody }: RequestOptions = {}): Promise<TestResponse> => {
    const init: RequestInit = { method: method.toUpperCase(), headers: { ...headers } };
    if (rawBody !== undefined) init.body = rawBody;
    else if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers = { 'content-type': 'application/json', ...headers };
    }
    const res = await fetch(`${baseUrl}${path}`, init);
    const text = await res.text();
    exchanges.push({ method: init.method ?? method, path, status: res.status, text });
    let parsed: unknown = text;
    if (res.headers.get('content-type')?.includes('application/json')) parsed = JSON.parse(text);
    return { status: res.status, body: parsed, text, headers: res.headers };
  };
  return { exchanges, request };
}
