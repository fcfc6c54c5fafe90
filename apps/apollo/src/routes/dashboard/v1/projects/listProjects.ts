import { defineRoute } from '@at/http';
import type { ApolloContext } from '../../../../context';
import { listLiveProjects } from '../../../../repositories/projects';
import { keysetPage, pageOf, pageQuerySchema } from '../../../paging';
import { presentProject, projectView } from './project-view';

export const listProjectsQuery = pageQuerySchema;
export const listProjectsResponse = pageOf(projectView);

export const listProjects = (ctx: ApolloContext) =>
  defineRoute({
    method: 'get',
    path: '/dashboard/v1/projects',
    operationId: 'listProjects',
    summary: 'List the live projects of the org',
    tags: ['projects'],
    security: 'orgToken',
    auth: ctx.auth.org,
    query: listProjectsQuery,
    responses: { 200: { description: 'one page, ordered by id', schema: listProjectsResponse } },
    handler: async ({ auth, query }) => ({
      status: 200,
      body: await keysetPage({
        cursors: ctx.cursors,
        binding: `${auth.orgId}:projects`,
        limit: query.limit,
        cursor: query.cursor,
        fetch: (after, take) => listLiveProjects(ctx.db, auth.orgId, after, take),
        present: presentProject,
      }),
    }),
  });
