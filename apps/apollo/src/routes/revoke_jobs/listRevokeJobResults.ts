import { z } from 'zod';
import { RUN_OUTCOMES, runResultSchema } from '@at/common';
import { defineRoute, errorResponseSchema } from '@at/http';
import type { ApolloContext } from '../../context';
import { loadOwnedJob } from '../../use-cases/revoke-jobs/job-view';
import { ownerIdOf, type JobSurface } from '../../use-cases/revoke-jobs/owner';
import { pageQueryShape } from '../paging';
import { jobIdParams } from './params';

export const resultsQuery = z.strictObject({ ...pageQueryShape, outcome: z.enum(RUN_OUTCOMES).optional() });

/**
 * Per-connection results, served by thermos's run API. thermos's cursor travels inside one of
 * apollo's own, bound to the caller, the job and the filter.
 */
export const listRevokeJobResults = (ctx: ApolloContext, surface: JobSurface) =>
  defineRoute({
    method: 'get',
    path: `${surface.prefix}/revoke_jobs/{id}/results`,
    operationId: `${surface.name}ListRevokeJobResults`,
    summary: 'Per-connection results of a revoke job',
    tags: ['revoke jobs'],
    security: surface.security,
    auth: surface.authenticate,
    params: jobIdParams(surface),
    query: resultsQuery,
    responses: {
      200: { description: 'a page of results', schema: z.object({ items: z.array(runResultSchema), next_cursor: z.string().nullable() }) },
      404: { description: 'not found', schema: errorResponseSchema },
    },
    handler: async ({ auth: owner, params, query }) => {
      const job = await loadOwnedJob(ctx.db, owner, params.id);
      const binding = `${ownerIdOf(owner)}:${job.id}:${query.outcome ?? '*'}`;
      const inner = query.cursor === undefined ? undefined : ctx.cursors.decode(query.cursor, binding);
      const page = await ctx.thermos.listItems(job.workflowId, job.runId, {
        limit: query.limit,
        ...(query.outcome ? { outcome: query.outcome } : {}),
        ...(inner ? { cursor: inner } : {}),
      });
      return { status: 200, body: { items: page.items, next_cursor: page.next_cursor === null ? null : ctx.cursors.encode(page.next_cursor, binding) } };
    },
  });
