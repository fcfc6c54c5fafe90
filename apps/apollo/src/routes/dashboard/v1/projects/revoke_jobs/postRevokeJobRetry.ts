import { defineRoute, errorResponseSchema } from '@at/http';
import type { ApolloContext } from '../../../../../context';
import { projectOwnerFor } from '../../../../../use-cases/revoke-jobs/project-owner';
import { retryJob } from '../../../../../use-cases/revoke-jobs/retry-job';
import { createdJobSchema, presentStartedJob, startedStatus } from '../../../../revoke-job-view';
import { projectJobParams } from './project-job-params';

/** Retries a project's job for it: the retry is the project's job too (pj_). */
export const postRevokeJobRetry = (ctx: ApolloContext) =>
  defineRoute({
    method: 'post',
    path: '/dashboard/v1/projects/{id}/revoke_jobs/{job_id}/retry',
    operationId: 'dashboardRetryProjectRevokeJob',
    summary: "Retry exactly the failed connections of a project's finished job",
    tags: ['revoke jobs'],
    security: 'orgToken',
    auth: ctx.auth.org,
    params: projectJobParams,
    responses: {
      202: { description: 'a new job over the failed connections', schema: createdJobSchema },
      200: { description: 'joined the retry already in flight', schema: createdJobSchema },
      404: { description: 'not found', schema: errorResponseSchema },
      409: { description: 'the job is still running', schema: errorResponseSchema },
      422: { description: 'nothing failed', schema: errorResponseSchema },
    },
    handler: async ({ auth, params }) => {
      const started = await retryJob(ctx, await projectOwnerFor(ctx.db, auth.orgId, params.id), params.job_id);
      return { status: startedStatus(started), body: presentStartedJob(started) };
    },
  });
