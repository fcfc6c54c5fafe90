import { z } from 'zod';
import { defineRoute } from '@at/http';
import type { ApolloContext } from '../../../../../context';
import { issueApiKey } from '../../../../../use-cases/issue-api-key';
import { idParam, iso, timestamp } from '../../../../schemas';

export const postApiKeysParams = idParam('prj', 'project');
export const postApiKeysResponse = z.object({
  id: z.string(),
  project_id: z.string(),
  api_key: z.string().describe('shown once, stored hashed'),
  created_at: timestamp,
});

export const postApiKeys = (ctx: ApolloContext) =>
  defineRoute({
    method: 'post',
    path: '/dashboard/v1/projects/{id}/api_keys',
    operationId: 'createApiKey',
    summary: 'Create another API key for a project',
    tags: ['api keys'],
    security: 'orgToken',
    auth: ctx.auth.org,
    params: postApiKeysParams,
    responses: { 201: { description: 'created', schema: postApiKeysResponse } },
    handler: async ({ auth, params }) => {
      const key = await issueApiKey(ctx, auth.orgId, params.id);
      return { status: 201, body: { id: key.id, project_id: key.projectId, api_key: key.plaintext, created_at: iso(key.createdAt) } };
    },
  });
