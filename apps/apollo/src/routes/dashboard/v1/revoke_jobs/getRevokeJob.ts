import { defineRoute, errorResponseSchema } from '@at/http';
import type { ApolloContext } from '../../../../context';
import { getRevokeJob as loadJob } from '../../../../use-cases/revoke-jobs/get-revoke-job';
import { jobIdParams, jobSchema, presentJob } from '../../../revoke-job-view';

export const getRevokeJob = (ctx: ApolloContext) =>
  defineRoute({
    method: 'get',
    path: '/dashboard/v1/revoke_jobs/{id}',
    operationId: 'dashboardGetRevokeJob',
    summary: 'Status and outcome counts of a revoke job',
    tags: ['revoke jobs'],
    security: 'orgToken',
    auth: ctx.auth.org,
    params: jobIdParams('oj'),
    responses: { 200: { description: 'the job', schema: jobSchema }, 404: { description: 'not found', schema: errorResponseSchema } },
    handler: async ({ auth, params }) => ({ status: 200, body: presentJob(await loadJob(ctx, auth, params.id)) }),
  });
