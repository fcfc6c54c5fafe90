import type { TestClient, TestResponse } from './client';

/** Jest expectations shared by the API suites; import only from tests. */

export function expectError(res: TestResponse, status: number, code?: string): void {
  expect({ status: res.status, body: res.body }).toEqual({
    status,
    body: { error: expect.objectContaining({ code: code ?? expect.any(String), message: expect.any(String), request_id: expect.any(String) }) },
  });
}

/** A 400 whose `fields` name `path` (e.g. `body.name`, `path.id`, `query.limit`). */
export function expectFieldError(res: TestResponse, path: string): void {
  expectError(res, 400, 'invalid_request');
  expect(res.body.error.fields).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
}

export type RouteCall = { method: string; path: string; body?: unknown };

/** Every route answers a missing and a wrong credential with 401 in the error shape. */
export async function expectAuthRequired(t: TestClient, routes: RouteCall[], wrongHeaders: Array<Record<string, string>>): Promise<void> {
  for (const route of routes) {
    for (const headers of [{}, ...wrongHeaders]) {
      const res = await t.request(route.method, route.path, { headers, ...(route.body === undefined ? {} : { body: route.body }) });
      expect({ route: `${route.method} ${route.path}`, headers, status: res.status }).toEqual({ route: `${route.method} ${route.path}`, headers, status: 401 });
      expectError(res, 401, 'unauthenticated');
    }
  }
}

/** Follows next_cursor from the first page to the last; returns the pages. */
export async function walkPages(t: TestClient, path: string, headers: Record<string, string>): Promise<Array<Array<{ id: string }>>> {
  const pages: Array<Array<{ id: string }>> = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const res: TestResponse = await t.request('GET', cursor === null ? path : `${path}${sep}cursor=${encodeURIComponent(cursor)}`, { headers });
    expect(res.status).toBe(200);
    pages.push(res.body.items);
    cursor = res.body.next_cursor;
    if (pages.length > 50) throw new Error('paging does not end');
  } while (cursor !== null);
  return pages;
}

/** None of `secrets` occurs in any of `texts`; names the first leak found. */
export function expectNoSecrets(texts: string[], secrets: string[]): void {
  expect(secrets.length).toBeGreaterThan(0);
  const leaks = secrets.flatMap((secret) => texts.filter((text) => text.includes(secret)).map((text) => ({ secret, in: text.slice(0, 300) })));
  expect(leaks).toEqual([]);
}

/** The suite made requests and none of them failed with a 5xx. */
export function expectNoServerErrors(t: TestClient): void {
  expect(t.exchanges.length).toBeGreaterThan(0);
  expect(t.exchanges.filter((e) => e.status >= 500)).toEqual([]);
}

/** Path ids that must be rejected as ids (a 400), never reach a query; already URL-encoded. */
export const badIds = (prefix: string): string[] =>
  ['nope', `${prefix}_' OR 1=1`, `${prefix}_üñíçødé✓🔑`, `${prefix}_${'0'.repeat(27)}`, `${prefix}_${'0'.repeat(25)}\n`].map(encodeURIComponent);
