import { defineRoute } from '@at/http';
import type { ApolloContext } from '../../../../context';
import { retryJob } from '../../../../use-cases/revoke-jobs/retry-job';
import { jobIdParams, presentStartedJob, retryJobResponses, startedStatus } from '../../../revoke-job-view';

export const postRevokeJobRetry = (ctx: ApolloContext) =>
  defineRoute({
    method: 'post',
    path: '/dashboard/v1/revoke_jobs/{id}/retry',
    operationId: 'dashboardRetryRevokeJob',
    summary: 'Retry exactly the failed and cancelled connections of a finished job',
    tags: ['revoke jobs'],
    security: 'orgToken',
    auth: ctx.auth.org,
    params: jobIdParams('oj'),
    responses: retryJobResponses,
    handler: async ({ auth, params }) => {
      const started = await retryJob(ctx, auth, params.id);
      return { status: startedStatus(started), body: presentStartedJob(started) };
    },
  });
