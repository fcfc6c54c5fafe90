import { z } from 'zod';
import { defineRoute } from '@at/http';
import type { ApolloContext } from '../../../../context';
import { createProject } from '../../../../use-cases/create-project';
import { iso, plainText, timestamp } from '../../../schemas';

export const postProjectsBody = z.strictObject({ name: plainText(200).describe('display name, 1..200 characters') });
export const postProjectsResponse = z.object({
  id: z.string(),
  name: z.string(),
  api_key: z.string().describe('the first API key of the project; shown once, stored hashed'),
  api_key_id: z.string(),
  created_at: timestamp,
});

export const postProjects = (ctx: ApolloContext) =>
  defineRoute({
    method: 'post',
    path: '/dashboard/v1/projects',
    operationId: 'createProject',
    summary: 'Create a project and its first API key',
    tags: ['projects'],
    security: 'orgToken',
    auth: ctx.auth.org,
    body: postProjectsBody,
    responses: { 201: { description: 'created', schema: postProjectsResponse } },
    handler: async ({ auth, body }) => {
      const { project, apiKey } = await createProject(ctx, auth.orgId, body.name);
      return {
        status: 201,
        body: { id: project.id, name: project.name, api_key: apiKey.plaintext, api_key_id: apiKey.id, created_at: iso(project.createdAt) },
      };
    },
  });
