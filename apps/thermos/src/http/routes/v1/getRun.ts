import { NotFoundError } from '@at/common';
import { defineRoute, errorResponseSchema } from '@at/http';
import type { ThermosHttpContext } from '../../context';
import { runStatus } from '../../run-status';
import { runParams, runSchema } from './schemas';

export const getRun = (ctx: ThermosHttpContext) =>
  defineRoute({
    method: 'get',
    path: '/v1/workflows/{workflow_id}/runs/{run_id}',
    operationId: 'getRun',
    summary: 'Status and outcome counts of one revoke run',
    tags: ['runs'],
    security: 'serviceToken',
    auth: ctx.auth,
    params: runParams,
    responses: { 200: { description: 'the run', schema: runSchema }, 404: { description: 'no such run', schema: errorResponseSchema } },
    handler: async ({ params }) => {
      const run = await runStatus(ctx.db, ctx.temporal, params.workflow_id, params.run_id, { logger: ctx.logger });
      if (!run) throw new NotFoundError('run');
      return { status: 200, body: run };
    },
  });
