import { z } from 'zod';
import { defineRoute } from '@at/http';
import type { ApolloContext } from '../../../../context';
import { pauseStateOf } from '../../../../use-cases/pauses';

export const pauseStateView = z.object({
  operator: z.object({ paused: z.boolean(), reason: z.string().nullable() }),
  project: z.object({ paused: z.boolean(), reason: z.string().nullable(), paused_at: z.string().nullable() }),
  paused: z.boolean().describe("whether the project's provider calls are held (operator or project)"),
});

export const getPauseState = (ctx: ApolloContext) =>
  defineRoute({
    method: 'get',
    path: '/api/v1/pause_state',
    operationId: 'getPauseState',
    summary: "Whether the project's provider calls are paused, and by whom",
    tags: ['controls'],
    security: 'apiKey',
    auth: ctx.auth.project,
    responses: { 200: { description: 'the pauses that apply', schema: pauseStateView } },
    handler: async ({ auth }) => ({ status: 200, body: await pauseStateOf(ctx, auth.projectId) }),
  });
