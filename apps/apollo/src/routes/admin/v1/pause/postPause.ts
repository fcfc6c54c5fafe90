import { defineRoute } from '@at/http';
import type { ApolloContext } from '../../../../context';
import { pauseOperator } from '../../../../use-cases/pauses';
import { pauseBody, pauseResponse } from './pause-views';

/** The operator's kill switch: every worker stops sending provider calls within seconds. */
export const postPause = (ctx: ApolloContext) =>
  defineRoute({
    method: 'post',
    path: '/admin/v1/pause',
    operationId: 'pauseProviderCalls',
    summary: 'Pause every outbound provider call (revocation, refresh) of every project',
    tags: ['admin'],
    security: 'adminToken',
    auth: ctx.auth.admin,
    body: pauseBody,
    responses: { 200: { description: 'paused', schema: pauseResponse } },
    handler: async ({ body }) => ({ status: 200, body: { paused: true, changed: await pauseOperator(ctx.db, body.reason, { type: 'admin', id: null }) } }),
  });
