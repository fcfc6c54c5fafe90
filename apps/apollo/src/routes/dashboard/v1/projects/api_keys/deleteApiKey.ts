import { z } from 'zod';
import { NotFoundError } from '@at/common';
import { defineRoute } from '@at/http';
import type { ApolloContext } from '../../../../../context';
import { softDeleteApiKey } from '../../../../../repositories/api-keys';
import { findLiveProject } from '../../../../../repositories/projects';
import { idParam } from '../../../../schemas';

export const deleteApiKeyParams = idParam('prj', 'project').extend(idParam('key', 'API key', 'key_id').shape);
export const deleteApiKeyResponse = z.object({ id: z.string(), deleted: z.literal(true) });

export const deleteApiKey = (ctx: ApolloContext) =>
  defineRoute({
    method: 'delete',
    path: '/dashboard/v1/projects/{id}/api_keys/{key_id}',
    operationId: 'deleteApiKey',
    summary: 'Delete an API key (soft): it stops authenticating at once',
    tags: ['api keys'],
    security: 'orgToken',
    auth: ctx.auth.org,
    params: deleteApiKeyParams,
    responses: { 200: { description: 'deleted', schema: deleteApiKeyResponse } },
    handler: async ({ auth, params }) => {
      const project = await findLiveProject(ctx.db, auth.orgId, params.id);
      if (!project || !(await softDeleteApiKey(ctx.db, project.id, params.key_id))) throw new NotFoundError('API key');
      return { status: 200, body: { id: params.key_id, deleted: true } };
    },
  });
