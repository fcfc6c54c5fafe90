import { defineRoute } from '@at/http';
import type { ApolloContext } from '../../../../context';
import { listLiveAuthConfigs } from '../../../../repositories/auth-configs';
import { keysetPage, pageOf, pageQuerySchema } from '../../../paging';
import { authConfigView, presentAuthConfig } from './auth-config-view';

export const listAuthConfigsQuery = pageQuerySchema;
export const listAuthConfigsResponse = pageOf(authConfigView);

export const listAuthConfigs = (ctx: ApolloContext) =>
  defineRoute({
    method: 'get',
    path: '/api/v1/auth_configs',
    operationId: 'listAuthConfigs',
    summary: 'List the live auth configs of the project',
    tags: ['auth configs'],
    security: 'apiKey',
    auth: ctx.auth.project,
    query: listAuthConfigsQuery,
    responses: { 200: { description: 'one page, ordered by id', schema: listAuthConfigsResponse } },
    handler: async ({ auth, query }) => ({
      status: 200,
      body: await keysetPage({
        cursors: ctx.cursors,
        binding: `${auth.projectId}:auth_configs`,
        limit: query.limit,
        cursor: query.cursor,
        fetch: (after, take) => listLiveAuthConfigs(ctx.db, auth.projectId, after, take),
        present: presentAuthConfig,
      }),
    }),
  });
