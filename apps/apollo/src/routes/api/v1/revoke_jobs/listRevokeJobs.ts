import { defineRoute } from '@at/http';
import type { ApolloContext } from '../../../../context';
import { listRevokeJobs as listJobs } from '../../../../use-cases/revoke-jobs/list-revoke-jobs';
import { pageOf, pageQuerySchema } from '../../../paging';
import { jobSummarySchema, presentJobSummary } from '../../../revoke-job-view';

/** The caller's jobs, newest first. */
export const listRevokeJobs = (ctx: ApolloContext) =>
  defineRoute({
    method: 'get',
    path: '/api/v1/revoke_jobs',
    operationId: 'apiListRevokeJobs',
    summary: "List the caller's revoke jobs",
    tags: ['revoke jobs'],
    security: 'apiKey',
    auth: ctx.auth.project,
    query: pageQuerySchema,
    responses: { 200: { description: 'a page of jobs', schema: pageOf(jobSummarySchema) } },
    handler: async ({ auth, query }) => ({ status: 200, body: await listJobs(ctx, auth, query, presentJobSummary) }),
  });
