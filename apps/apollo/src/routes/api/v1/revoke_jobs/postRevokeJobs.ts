import { defineRoute } from '@at/http';
import type { ApolloContext } from '../../../../context';
import { createRevokeJob } from '../../../../use-cases/revoke-jobs/create-revoke-job';
import { createJobResponses, postRevokeJobsBody, presentDryRun, presentStartedJob, startedStatus } from '../../../revoke-job-view';

/** Starts (or joins) a revoke job over a scope; dry_run counts it instead. */
export const postRevokeJobs = (ctx: ApolloContext) =>
  defineRoute({
    method: 'post',
    path: '/api/v1/revoke_jobs',
    operationId: 'apiCreateRevokeJob',
    summary: 'Revoke every live credential in a scope',
    tags: ['revoke jobs'],
    security: 'apiKey',
    auth: ctx.auth.project,
    body: postRevokeJobsBody,
    responses: createJobResponses,
    handler: async ({ auth, body }) => {
      const result = await createRevokeJob(ctx, auth, { scope: body.scope, dryRun: body.dry_run }, 'api');
      if ('dryRun' in result) return { status: 200, body: presentDryRun(result) };
      return { status: startedStatus(result), body: presentStartedJob(result) };
    },
  });
