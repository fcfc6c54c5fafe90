import { NotFoundError } from '@at/common';
import { defineRoute } from '@at/http';
import type { ApolloContext } from '../../../../context';
import { findLiveProject } from '../../../../repositories/projects';
import { idParam } from '../../../schemas';
import { presentProject, projectView } from './project-view';

export const getProjectParams = idParam('prj', 'project');

export const getProject = (ctx: ApolloContext) =>
  defineRoute({
    method: 'get',
    path: '/dashboard/v1/projects/{id}',
    operationId: 'getProject',
    summary: 'Get a project',
    tags: ['projects'],
    security: 'orgToken',
    auth: ctx.auth.org,
    params: getProjectParams,
    responses: { 200: { description: 'the project', schema: projectView } },
    handler: async ({ auth, params }) => {
      const project = await findLiveProject(ctx.db, auth.orgId, params.id);
      if (!project) throw new NotFoundError('project');
      return { status: 200, body: presentProject(project) };
    },
  });
