import { defineRoute } from '@at/http';
import type { ApolloContext } from '../../../../../context';
import { listRevokeJobs as listJobs } from '../../../../../use-cases/revoke-jobs/list-revoke-jobs';
import { projectOwnerFor } from '../../../../../use-cases/revoke-jobs/project-owner';
import { pageOf, pageQuerySchema } from '../../../../paging';
import { jobSummarySchema, presentJobSummary } from '../../../../revoke-job-view';
import { idParam } from '../../../../schemas';

/** The jobs a project's API keys created (pj_), newest first. */
export const listRevokeJobs = (ctx: ApolloContext) =>
  defineRoute({
    method: 'get',
    path: '/dashboard/v1/projects/{id}/revoke_jobs',
    operationId: 'dashboardListProjectRevokeJobs',
    summary: "List a project's revoke jobs (created through the platform API)",
    tags: ['revoke jobs'],
    security: 'orgToken',
    auth: ctx.auth.org,
    params: idParam('prj', 'project'),
    query: pageQuerySchema,
    responses: { 200: { description: 'a page of jobs', schema: pageOf(jobSummarySchema) } },
    handler: async ({ auth, params, query }) => ({
      status: 200,
      body: await listJobs(ctx, await projectOwnerFor(ctx.db, auth.orgId, params.id), query, presentJobSummary),
    }),
  });
