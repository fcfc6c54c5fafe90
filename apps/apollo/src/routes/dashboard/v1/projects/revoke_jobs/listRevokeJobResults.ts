import { z } from 'zod';
import { runResultSchema } from '@at/common';
import { defineRoute, errorResponseSchema } from '@at/http';
import type { ApolloContext } from '../../../../../context';
import { listRevokeJobResults as listResults } from '../../../../../use-cases/revoke-jobs/list-revoke-job-results';
import { projectOwnerFor } from '../../../../../use-cases/revoke-jobs/project-owner';
import { resultsQuery } from '../../../../revoke-job-view';
import { projectJobParams } from './project-job-params';

export const listRevokeJobResults = (ctx: ApolloContext) =>
  defineRoute({
    method: 'get',
    path: '/dashboard/v1/projects/{id}/revoke_jobs/{job_id}/results',
    operationId: 'dashboardListProjectRevokeJobResults',
    summary: "Per-connection results of a project's revoke job",
    tags: ['revoke jobs'],
    security: 'orgToken',
    auth: ctx.auth.org,
    params: projectJobParams,
    query: resultsQuery,
    responses: {
      200: { description: 'a page of results', schema: z.object({ items: z.array(runResultSchema), next_cursor: z.string().nullable() }) },
      404: { description: 'not found', schema: errorResponseSchema },
    },
    handler: async ({ auth, params, query }) => ({
      status: 200,
      body: await listResults(ctx, await projectOwnerFor(ctx.db, auth.orgId, params.id), params.job_id, query),
    }),
  });
