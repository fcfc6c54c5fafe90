import { defineRoute } from '@at/http';
import type { ApolloContext } from '../../../../context';
import { retryJob } from '../../../../use-cases/revoke-jobs/retry-job';
import { jobIdParams, presentStartedJob, retryJobResponses, startedStatus } from '../../../revoke-job-view';

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
    responses: retryJobResponses,
    handler: async ({ auth, params }) => {
      const started = await retryJob(ctx, auth, params.id);
      return { status: startedStatus(started), body: presentStartedJob(started) };
    },
  });
