import { defineRoute } from '@at/http';
import type { ApolloContext } from '../../../../context';
import { listOwnedJobs } from '../../../../repositories/jobs';
import { ownerIdOf } from '../../../../use-cases/revoke-jobs/owner';
import { keysetPage, pageOf, pageQuerySchema } from '../../../paging';
import { jobSummarySchema, presentJobSummary } from '../../../revoke-job-view';

/** The caller's jobs, newest first. */
export const listRevokeJobs = (ctx: ApolloContext) =>
  defineRoute({
    method: 'get',
    path: '/api/v1/revoke_jobs',
    operationId: 'apiListRevokeJobs',
    summary: "List the caller's revoke jobs",
    tags: ['revoke jobs'],
    security: 'apiKey',
    auth: ctx.auth.project,
    query: pageQuerySchema,
    responses: { 200: { description: 'a page of jobs', schema: pageOf(jobSummarySchema) } },
    handler: async ({ auth, query }) => {
      const ownerId = ownerIdOf(auth);
      const body = await keysetPage({
        cursors: ctx.cursors,
        binding: `${ownerId}:revoke_jobs`,
        limit: query.limit,
        cursor: query.cursor,
        fetch: (beforeId, take) => listOwnedJobs(ctx.db, ownerId, beforeId, take),
        present: presentJobSummary,
      });
      return { status: 200, body };
    },
  });
