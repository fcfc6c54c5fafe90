import { startTestApollo, type TestApollo } from '../../test/test-apollo';
import { apolloRoutes } from '.';

let t: TestApollo;

beforeAll(async () => {
  t = await startTestApollo();
});
afterAll(async () => t?.stop());

it('GET /openapi.json documents every route of the server with its security scheme', async () => {
  const res = await t.request('GET', '/openapi.json');
  expect(res.status).toBe(200);
  const routes = apolloRoutes(t.apollo.context);
  expect(routes.length).toBeGreaterThanOrEqual(16);
  for (const route of routes) {
    const operation = res.body.paths?.[route.path]?.[route.method];
    expect({ route: `${route.method} ${route.path}`, operationId: operation?.operationId }).toEqual({ route: `${route.method} ${route.path}`, operationId: route.operationId });
    // the dashboard accepts a console session wherever it accepts an org token
    if (route.security) expect(operation.security).toEqual(route.security === 'orgToken' ? [{ orgToken: [] }, { consoleSession: [] }] : [{ [route.security]: [] }]);
    if (route.security === 'orgToken' && route.method !== 'get') expect(Object.keys(operation.responses)).toContain('403');
  }
});

it('GET /docs serves the reference page', async () => {
  const res = await t.request('GET', '/docs');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/text\/html/);
  expect(res.text).toContain('swagger-ui');
});
