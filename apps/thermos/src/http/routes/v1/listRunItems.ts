import { z } from 'zod';
import { NotFoundError } from '@at/common';
import { defineRoute, errorResponseSchema, queryInteger } from '@at/http';
import { listItems } from '../../../runs/run-store';
import type { ThermosHttpContext } from '../../context';
import { RUN_OUTCOMES } from '@at/common';
import { itemSchema, runParams } from './schemas';

export const listRunItemsQuery = z.strictObject({
  outcome: z.enum(RUN_OUTCOMES).optional(),
  limit: queryInteger({ min: 1, max: 1000, fallback: 100 }),
  cursor: z.string().min(1).max(1024).optional(),
});

export const runItemsPage = z.object({ items: z.array(itemSchema), next_cursor: z.string().nullable() }).openapi('RunItemsPage');

/** Per-connection results in snapshot order, keyset-paged by seq with a signed cursor. */
export const listRunItems = (ctx: ThermosHttpContext) =>
  defineRoute({
    method: 'get',
    path: '/v1/workflows/{workflow_id}/runs/{run_id}/items',
    operationId: 'listRunItems',
    summary: 'Per-connection results of one revoke run',
    tags: ['runs'],
    security: 'serviceToken',
    auth: ctx.auth,
    params: runParams,
    query: listRunItemsQuery,
    responses: { 200: { description: 'a page of results', schema: runItemsPage }, 404: { description: 'no such run', schema: errorResponseSchema } },
    handler: async ({ params, query }) => {
      const run = await ctx.db.revokeRun.findUnique({ where: { id: params.run_id }, select: { workflowId: true } });
      if (run && run.workflowId !== params.workflow_id) throw new NotFoundError('run');
      const binding = `${params.run_id}:${query.outcome ?? '*'}`;
      const afterSeq = query.cursor === undefined ? 0 : Number(ctx.cursors.decode(query.cursor, binding));
      const rows = run ? await listItems(ctx.db, params.run_id, { ...(query.outcome ? { outcome: query.outcome } : {}), afterSeq, take: query.limit + 1 }) : [];
      const page = rows.slice(0, query.limit);
      const last = page[page.length - 1];
      return {
        status: 200,
        body: {
          items: page.map((row) => ({
            connected_account_id: row.connectedAccountId,
            outcome: row.outcome,
            revoked_tokens: row.revokedTokens,
            error_code: row.errorCode,
            error_message: row.errorMessage,
            finished_at: row.finishedAt?.toISOString() ?? null,
          })),
          next_cursor: rows.length > query.limit && last ? ctx.cursors.encode(String(last.seq), binding) : null,
        },
      };
    },
  });
