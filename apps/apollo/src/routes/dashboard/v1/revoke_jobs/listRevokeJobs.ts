import { defineRoute } from '@at/http';
import type { ApolloContext } from '../../../../context';
import { listRevokeJobs as listJobs } from '../../../../use-cases/revoke-jobs/list-revoke-jobs';
import { pageOf, pageQuerySchema } from '../../../paging';
import { jobSummarySchema, presentJobSummary } from '../../../revoke-job-view';

/** The caller's jobs, newest first. */
export const listRevokeJobs = (ctx: ApolloContext) =>
  defineRoute({
    method: 'get',
    path: '/dashboard/v1/revoke_jobs',
    operationId: 'dashboardListRevokeJobs',
    summary: "List the caller's revoke jobs",
    tags: ['revoke jobs'],
    security: 'orgToken',
    auth: ctx.auth.org,
    query: pageQuerySchema,
    responses: { 200: { description: 'a page of jobs', schema: pageOf(jobSummarySchema) } },
    handler: async ({ auth, query }) => ({ status: 200, body: await listJobs(ctx, auth, query, presentJobSummary) }),
  });
