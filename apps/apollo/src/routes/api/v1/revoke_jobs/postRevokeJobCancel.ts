import { defineRoute } from '@at/http';
import type { ApolloContext } from '../../../../context';
import { cancelJob } from '../../../../use-cases/revoke-jobs/cancel-job';
import { cancelJobResponses, jobIdParams, presentJob } from '../../../revoke-job-view';

export const postRevokeJobCancel = (ctx: ApolloContext) =>
  defineRoute({
    method: 'post',
    path: '/api/v1/revoke_jobs/{id}/cancel',
    operationId: 'apiCancelRevokeJob',
    summary: 'Cancel a running job: calls in flight finish and are recorded, nothing more is sent',
    tags: ['revoke jobs'],
    security: 'apiKey',
    auth: ctx.auth.project,
    params: jobIdParams('pj'),
    responses: cancelJobResponses,
    handler: async ({ auth, params }) => ({ status: 202, body: presentJob(await cancelJob(ctx, auth, params.id)) }),
  });
