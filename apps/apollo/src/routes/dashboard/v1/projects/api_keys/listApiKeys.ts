import { NotFoundError } from '@at/common';
import { defineRoute } from '@at/http';
import type { ApolloContext } from '../../../../../context';
import { listLiveApiKeys } from '../../../../../repositories/api-keys';
import { findLiveProject } from '../../../../../repositories/projects';
import { keysetPage, pageOf, pageQuerySchema } from '../../../../paging';
import { idParam } from '../../../../schemas';
import { apiKeyView, presentApiKey } from './api-key-view';

export const listApiKeysParams = idParam('prj', 'project');
export const listApiKeysQuery = pageQuerySchema;
export const listApiKeysResponse = pageOf(apiKeyView);

export const listApiKeys = (ctx: ApolloContext) =>
  defineRoute({
    method: 'get',
    path: '/dashboard/v1/projects/{id}/api_keys',
    operationId: 'listApiKeys',
    summary: 'List the live API keys of a project (never their secrets)',
    tags: ['api keys'],
    security: 'orgToken',
    auth: ctx.auth.org,
    params: listApiKeysParams,
    query: listApiKeysQuery,
    responses: { 200: { description: 'one page, ordered by id', schema: listApiKeysResponse } },
    handler: async ({ auth, params, query }) => {
      const project = await findLiveProject(ctx.db, auth.orgId, params.id);
      if (!project) throw new NotFoundError('project');
      return {
        status: 200,
        body: await keysetPage({
          cursors: ctx.cursors,
          binding: `${auth.orgId}:${project.id}:api_keys`,
          limit: query.limit,
          cursor: query.cursor,
          fetch: (after, take) => listLiveApiKeys(ctx.db, project.id, after, take),
          present: presentApiKey,
        }),
      };
    },
  });

