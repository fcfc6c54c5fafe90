import { defineRoute, errorResponseSchema } from '@at/http';
import type { ApolloContext } from '../../context';
import { jobSchema, jobWithRun, loadOwnedJob } from '../../use-cases/revoke-jobs/job-view';
import type { JobSurface } from '../../use-cases/revoke-jobs/owner';
import { jobIdParams } from './params';

export const getRevokeJob = (ctx: ApolloContext, surface: JobSurface) =>
  defineRoute({
    method: 'get',
    path: `${surface.prefix}/revoke_jobs/{id}`,
    operationId: `${surface.name}GetRevokeJob`,
    summary: 'Status and outcome counts of a revoke job',
    tags: ['revoke jobs'],
    security: surface.security,
    auth: surface.authenticate,
    params: jobIdParams(surface),
    responses: { 200: { description: 'the job', schema: jobSchema }, 404: { description: 'not found', schema: errorResponseSchema } },
    handler: async ({ auth: owner, params }) => ({ status: 200, body: await jobWithRun(ctx.thermos, await loadOwnedJob(ctx.db, owner, params.id)) }),
  });
