import { z } from 'zod';
import { defineRoute } from '@at/http';
import type { ApolloContext } from '../../../../context';
import { connectionHealth, type AuthConfigHealth } from '../../../../repositories/connection-health';
import { plainText } from '../../../schemas';

export const getConnectionHealthQuery = z.strictObject({
  user_id: plainText(256).optional().describe("only this end user's connections"),
});

export const connectionHealthView = z.object({
  any_needs_reauth: z.boolean().describe('whether any connection counted needs re-authorisation (show a "Reconnect" banner)'),
  items: z.array(
    z.object({
      auth_config_id: z.string(),
      toolkit: z.string(),
      active: z.number().int(),
      needs_reauth: z.number().int(),
      revoking: z.number().int(),
      revoked: z.number().int(),
    }),
  ).describe('one entry per live auth config with connections, ordered by auth config id'),
});

/** The one presentation of health, for the API and the dashboard alike. */
export function presentConnectionHealth(items: AuthConfigHealth[]): z.output<typeof connectionHealthView> {
  return {
    any_needs_reauth: items.some((item) => item.needsReauth > 0),
    items: items.map((item) => ({ auth_config_id: item.authConfigId, toolkit: item.toolkit, active: item.active, needs_reauth: item.needsReauth, revoking: item.revoking, revoked: item.revoked })),
  };
}

export const getConnectionHealth = (ctx: ApolloContext) =>
  defineRoute({
    method: 'get',
    path: '/api/v1/connection_health',
    operationId: 'getConnectionHealth',
    summary: "Connection counts by status for each auth config of the project (or of one end user)",
    tags: ['connected accounts'],
    security: 'apiKey',
    auth: ctx.auth.project,
    query: getConnectionHealthQuery,
    responses: { 200: { description: 'counts per auth config', schema: connectionHealthView } },
    handler: async ({ auth, query }) => {
      return { status: 200, body: presentConnectionHealth(await connectionHealth(ctx.db, auth.projectId, query.user_id)) };
    },
  });
