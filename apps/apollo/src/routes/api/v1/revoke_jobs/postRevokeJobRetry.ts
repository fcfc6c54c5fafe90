import { defineRoute, errorResponseSchema } from '@at/http';
import type { ApolloContext } from '../../../../context';
import { retryJob } from '../../../../use-cases/revoke-jobs/retry-job';
import { createdJobSchema, jobIdParams, presentStartedJob, startedStatus } from '../../../revoke-job-view';

export const postRevokeJobRetry = (ctx: ApolloContext) =>
  defineRoute({
    method: 'post',
    path: '/api/v1/revoke_jobs/{id}/retry',
    operationId: 'apiRetryRevokeJob',
    summary: 'Retry exactly the failed and cancelled connections of a finished job',
    tags: ['revoke jobs'],
    security: 'apiKey',
    auth: ctx.auth.project,
    params: jobIdParams('pj'),
    responses: {
      202: { description: 'a new job over the failed and cancelled connections', schema: createdJobSchema },
      200: { description: 'joined the retry already in flight', schema: createdJobSchema },
      404: { description: 'not found', schema: errorResponseSchema },
      409: { description: 'the job is still running', schema: errorResponseSchema },
      422: { description: 'nothing failed or was cancelled', schema: errorResponseSchema },
    },
    handler: async ({ auth, params }) => {
      const started = await retryJob(ctx, auth, params.id);
      return { status: startedStatus(started), body: presentStartedJob(started) };
    },
  });
