import { defineRoute, errorResponseSchema } from '@at/http';
import type { ApolloContext } from '../../context';
import { createdJobSchema, presentJobSummary } from '../../use-cases/revoke-jobs/job-view';
import type { JobSurface } from '../../use-cases/revoke-jobs/owner';
import { retryJob } from '../../use-cases/revoke-jobs/retry-job';
import { jobIdParams } from './params';

export const postRevokeJobRetry = (ctx: ApolloContext, surface: JobSurface) =>
  defineRoute({
    method: 'post',
    path: `${surface.prefix}/revoke_jobs/{id}/retry`,
    operationId: `${surface.name}RetryRevokeJob`,
    summary: 'Retry exactly the failed connections of a finished job',
    tags: ['revoke jobs'],
    security: surface.security,
    auth: surface.authenticate,
    params: jobIdParams(surface),
    responses: {
      202: { description: 'a new job over the failed connections', schema: createdJobSchema },
      200: { description: 'joined the retry already in flight', schema: createdJobSchema },
      404: { description: 'not found', schema: errorResponseSchema },
      409: { description: 'the job is still running', schema: errorResponseSchema },
      422: { description: 'nothing failed', schema: errorResponseSchema },
    },
    handler: async ({ auth: owner, params }) => {
      const { job, created } = await retryJob(ctx, owner, params.id);
      return { status: created ? 202 : 200, body: { ...presentJobSummary(job), status: 'running', deduplicated: !created } };
    },
  });
