import { defineRoute, errorResponseSchema } from '@at/http';
import type { ApolloContext } from '../../../../context';
import { resumeOperator } from '../../../../use-cases/pauses';
import { optionalReasonBody, pauseResponse } from './pause-views';

export const postResume = (ctx: ApolloContext) =>
  defineRoute({
    method: 'post',
    path: '/admin/v1/resume',
    operationId: 'resumeProviderCalls',
    summary: "Lift the operator's pause (project pauses stay)",
    tags: ['admin'],
    security: 'adminToken',
    auth: ctx.auth.admin,
    body: optionalReasonBody,
    responses: {
      200: { description: 'resumed', schema: pauseResponse },
      409: { description: 'PROVIDER_CALLS_PAUSED is set: only a restart without it lifts that pause', schema: errorResponseSchema },
    },
    handler: async () => ({ status: 200, body: { paused: false, changed: await resumeOperator(ctx) } }),
  });
