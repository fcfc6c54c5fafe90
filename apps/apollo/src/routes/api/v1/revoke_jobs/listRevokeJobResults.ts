import { z } from 'zod';
import { runResultSchema } from '@at/common';
import { defineRoute, errorResponseSchema } from '@at/http';
import type { ApolloContext } from '../../../../context';
import { listRevokeJobResults as listResults } from '../../../../use-cases/revoke-jobs/list-revoke-job-results';
import { jobIdParams, resultsQuery } from '../../../revoke-job-view';

export const listRevokeJobResults = (ctx: ApolloContext) =>
  defineRoute({
    method: 'get',
    path: '/api/v1/revoke_jobs/{id}/results',
    operationId: 'apiListRevokeJobResults',
    summary: 'Per-connection results of a revoke job',
    tags: ['revoke jobs'],
    security: 'apiKey',
    auth: ctx.auth.project,
    params: jobIdParams('pj'),
    query: resultsQuery,
    responses: {
      200: { description: 'a page of results', schema: z.object({ items: z.array(runResultSchema), next_cursor: z.string().nullable() }) },
      404: { description: 'not found', schema: errorResponseSchema },
    },
    handler: async ({ auth, params, query }) => ({ status: 200, body: await listResults(ctx, auth, params.id, query) }),
  });
