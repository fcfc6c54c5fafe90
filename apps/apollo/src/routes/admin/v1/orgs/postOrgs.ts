import { z } from 'zod';
import { defineRoute } from '@at/http';
import type { ApolloContext } from '../../../../context';
import { createOrg } from '../../../../use-cases/create-org';
import { plainText } from '../../../schemas';

// plainText, like project names: a NUL byte used to reach Postgres (a 500), other controls the logs
export const postOrgsBody = z.strictObject({ name: plainText(200) });
export const postOrgsResponse = z.object({ id: z.string(), name: z.string(), admin_token: z.string().describe('shown once') });

/** Creates an org and its first org admin token (returned once, stored hashed). */
export const postOrgs = (ctx: ApolloContext) =>
  defineRoute({
    method: 'post',
    path: '/admin/v1/orgs',
    operationId: 'createOrg',
    summary: 'Create an org',
    tags: ['admin'],
    security: 'adminToken',
    auth: ctx.auth.admin,
    body: postOrgsBody,
    responses: { 201: { description: 'created', schema: postOrgsResponse } },
    handler: async ({ body }) => {
      const { org, adminToken } = await createOrg(ctx, body.name);
      return { status: 201, body: { id: org.id, name: org.name, admin_token: adminToken } };
    },
  });
