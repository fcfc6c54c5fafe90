import { defineRoute } from '@at/http';
import type { ApolloContext } from '../../../../../context';
import { connectionHealth } from '../../../../../repositories/connection-health';
import { projectOwnerFor } from '../../../../../use-cases/revoke-jobs/project-owner';
import { connectionHealthView, getConnectionHealthQuery, presentConnectionHealth } from '../../../../api/v1/connection_health/getConnectionHealth';
import { idParam } from '../../../../schemas';

export const getProjectConnectionHealth = (ctx: ApolloContext) =>
  defineRoute({
    method: 'get',
    path: '/dashboard/v1/projects/{id}/connection_health',
    operationId: 'dashboardGetConnectionHealth',
    summary: "Connection counts by status for each auth config of one of the org's projects (or of one end user)",
    tags: ['connected accounts'],
    security: 'orgToken',
    auth: ctx.auth.org,
    params: idParam('prj', 'project'),
    query: getConnectionHealthQuery,
    responses: { 200: { description: 'counts per auth config, as GET /api/v1/connection_health', schema: connectionHealthView } },
    handler: async ({ auth, params, query }) => {
      const { projectId } = await projectOwnerFor(ctx.db, auth.orgId, params.id);
      return { status: 200, body: presentConnectionHealth(await connectionHealth(ctx.db, projectId, query.user_id)) };
    },
  });
