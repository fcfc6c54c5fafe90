import { z } from 'zod';
import { defineRoute } from '@at/http';
import type { ApolloContext } from '../../../../context';
import { pauseStateOf } from '../../../../use-cases/pauses';

const pausedBy = z
  .object({ type: z.enum(['api_key', 'org_admin_token', 'admin', 'system']), id: z.string().nullable().describe('key_/oat_ id; null for the admin token') })
  .nullable()
  .describe('who paused (null when not paused, or paused by PROVIDER_CALLS_PAUSED)');

export const pauseStateView = z.object({
  operator: z.object({ paused: z.boolean(), reason: z.string().nullable(), paused_at: z.string().nullable(), paused_by: pausedBy }),
  project: z.object({ paused: z.boolean(), reason: z.string().nullable(), paused_at: z.string().nullable(), paused_by: pausedBy }),
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
