import { z } from 'zod';
import { defineRoute } from '@at/http';
import { authConfigParametersOf, catalogEntries } from '@at/providers';
import type { ApolloContext } from '../../../../context';
import { presentToolkit, toolkitView } from './toolkit-view';

export const listToolkitsQuery = z.strictObject({
  auth_scheme: z.enum(['oauth2', 'api_key']).optional().describe('only toolkits supporting this auth scheme'),
  revocable: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === 'true'))
    .describe('true: only toolkits whose provider revokes some credential; false: only those that revoke none'),
});

// The catalog is a few dozen entries and the same for every caller: one page, no cursor.
export const listToolkitsResponse = z.object({ items: z.array(toolkitView) });

export const listToolkits = (ctx: ApolloContext) =>
  defineRoute({
    method: 'get',
    path: '/api/v1/toolkits',
    operationId: 'listToolkits',
    summary: 'List the toolkits the catalog knows: auth schemes, endpoints, revocation, refresh, ceilings, documentation links',
    tags: ['toolkits'],
    security: 'apiKey',
    auth: ctx.auth.project,
    query: listToolkitsQuery,
    responses: { 200: { description: 'every matching toolkit, by slug (the built-in oauth2 first)', schema: listToolkitsResponse } },
    handler: async ({ query }) => {
      const items = catalogEntries()
        .filter((e) => query.auth_scheme === undefined || e.authSchemes.includes(query.auth_scheme))
        .filter((e) => query.revocable === undefined || query.revocable === Object.values(e.revocations).some((r) => r.style !== 'none'))
        .map((e) => presentToolkit(e, new Set(authConfigParametersOf(e).map((p) => p.name))));
      return { status: 200, body: { items } };
    },
  });
