import { defineRoute } from '@at/http';
import type { ApolloContext } from '../../../../../context';
import { cancelJob } from '../../../../../use-cases/revoke-jobs/cancel-job';
import { projectOwnerFor } from '../../../../../use-cases/revoke-jobs/project-owner';
import { cancelJobResponses, presentJob } from '../../../../revoke-job-view';
import { projectJobParams } from './project-job-params';

/** Cancels a project's job (pj_) for it, as its API key could. */
export const postRevokeJobCancel = (ctx: ApolloContext) =>
  defineRoute({
    method: 'post',
    path: '/dashboard/v1/projects/{id}/revoke_jobs/{job_id}/cancel',
    operationId: 'dashboardCancelProjectRevokeJob',
    summary: "Cancel a project's running job: calls in flight finish and are recorded, nothing more is sent",
    tags: ['revoke jobs'],
    security: 'orgToken',
    auth: ctx.auth.org,
    params: projectJobParams,
    responses: cancelJobResponses,
    handler: async ({ auth, params }) => ({ status: 202, body: presentJob(await cancelJob(ctx, await projectOwnerFor(ctx.db, auth.orgId, params.id), params.job_id)) }),
  });
