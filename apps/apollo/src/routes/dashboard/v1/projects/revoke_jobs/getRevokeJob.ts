import { defineRoute, errorResponseSchema } from '@at/http';
import type { ApolloContext } from '../../../../../context';
import { getRevokeJob as loadJob } from '../../../../../use-cases/revoke-jobs/get-revoke-job';
import { projectOwnerFor } from '../../../../../use-cases/revoke-jobs/project-owner';
import { jobSchema, presentJob } from '../../../../revoke-job-view';
import { projectJobParams } from './project-job-params';

export const getRevokeJob = (ctx: ApolloContext) =>
  defineRoute({
    method: 'get',
    path: '/dashboard/v1/projects/{id}/revoke_jobs/{job_id}',
    operationId: 'dashboardGetProjectRevokeJob',
    summary: "Status and outcome counts of a project's revoke job",
    tags: ['revoke jobs'],
    security: 'orgToken',
    auth: ctx.auth.org,
    params: projectJobParams,
    responses: { 200: { description: 'the job', schema: jobSchema }, 404: { description: 'not found', schema: errorResponseSchema } },
    handler: async ({ auth, params }) => ({
      status: 200,
      body: presentJob(await loadJob(ctx, await projectOwnerFor(ctx.db, auth.orgId, params.id), params.job_id)),
    }),
  });
