import { defineRoute } from '@at/http';
import type { ApolloContext } from '../../context';
import { jobSummarySchema, presentJobSummary } from '../../use-cases/revoke-jobs/job-view';
import { ownerIdOf, type JobSurface } from '../../use-cases/revoke-jobs/owner';
import { keysetPage, pageOf, pageQuerySchema } from '../paging';

/** The caller's jobs, newest first. */
export const listRevokeJobs = (ctx: ApolloContext, surface: JobSurface) =>
  defineRoute({
    method: 'get',
    path: `${surface.prefix}/revoke_jobs`,
    operationId: `${surface.name}ListRevokeJobs`,
    summary: "List the caller's revoke jobs",
    tags: ['revoke jobs'],
    security: surface.security,
    auth: surface.authenticate,
    query: pageQuerySchema,
    responses: { 200: { description: 'a page of jobs', schema: pageOf(jobSummarySchema) } },
    handler: async ({ auth: owner, query }) => {
      const ownerId = ownerIdOf(owner);
      const body = await keysetPage({
        cursors: ctx.cursors,
        binding: `${ownerId}:revoke_jobs`,
        limit: query.limit,
        cursor: query.cursor,
        fetch: (beforeId, take) =>
          ctx.db.job.findMany({ where: { ownerId, deletedAt: null, ...(beforeId ? { id: { lt: beforeId } } : {}) }, orderBy: { id: 'desc' }, take }),
        present: presentJobSummary,
      });
      return { status: 200, body };
    },
  });
