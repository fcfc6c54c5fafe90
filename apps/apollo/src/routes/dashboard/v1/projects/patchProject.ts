import { z } from 'zod';
import { NotFoundError } from '@at/common';
import { defineRoute } from '@at/http';
import type { ApolloContext } from '../../../../context';
import { updateLiveProject } from '../../../../repositories/projects';
import { plainText } from '../../../schemas';
import { getProjectParams } from './getProject';
import { presentProject, projectView } from './project-view';
import { allowedRedirectUris } from './redirect-uris';

export const patchProjectBody = z
  .strictObject({ name: plainText(200).optional(), allowed_redirect_uris: allowedRedirectUris.optional() })
  .refine((body) => body.name !== undefined || body.allowed_redirect_uris !== undefined, 'name or allowed_redirect_uris is required');

export const patchProject = (ctx: ApolloContext) =>
  defineRoute({
    method: 'patch',
    path: '/dashboard/v1/projects/{id}',
    operationId: 'updateProject',
    summary: 'Rename a project or set where connect sessions may redirect to',
    tags: ['projects'],
    security: 'orgToken',
    auth: ctx.auth.org,
    params: getProjectParams,
    body: patchProjectBody,
    responses: { 200: { description: 'the updated project', schema: projectView } },
    handler: async ({ auth, params, body }) => {
      const project = await updateLiveProject(ctx.db, auth.orgId, params.id, {
        ...(body.name === undefined ? {} : { name: body.name }),
        ...(body.allowed_redirect_uris === undefined ? {} : { allowedRedirectUris: body.allowed_redirect_uris }),
      });
      if (!project) throw new NotFoundError('project');
      return { status: 200, body: presentProject(project) };
    },
  });
