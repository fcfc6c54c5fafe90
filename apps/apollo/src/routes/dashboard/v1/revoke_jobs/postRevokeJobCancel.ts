import { defineRoute, errorResponseSchema } from '@at/http';
import type { ApolloContext } from '../../../../context';
import { cancelJob } from '../../../../use-cases/revoke-jobs/cancel-job';
import { jobIdParams, jobSchema, presentJob } from '../../../revoke-job-view';

export const postRevokeJobCancel = (ctx: ApolloContext) =>
  defineRoute({
    method: 'post',
    path: '/dashboard/v1/revoke_jobs/{id}/cancel',
    operationId: 'dashboardCancelRevokeJob',
    summary: 'Cancel a running job: calls in flight finish and are recorded, nothing more is sent',
    tags: ['revoke jobs'],
    security: 'orgToken',
    auth: ctx.auth.org,
    params: jobIdParams('oj'),
    responses: {
      202: {
        description:
          'cancellation requested; the job as it stands (running until its run has wound down, then cancelled). Calls already sent finish and are recorded; connections not yet sent end `cancelled` and keep their status; jobs sharing the run (deduplicated creates) are cancelled with it; retry takes the cancelled connections.',
        schema: jobSchema,
      },
      404: { description: 'not found', schema: errorResponseSchema },
      409: { description: 'the job has already finished', schema: errorResponseSchema },
      503: { description: 'Temporal is unavailable: nothing was cancelled, retry', schema: errorResponseSchema },
    },
    handler: async ({ auth, params }) => ({ status: 202, body: presentJob(await cancelJob(ctx, auth, params.id)) }),
  });
