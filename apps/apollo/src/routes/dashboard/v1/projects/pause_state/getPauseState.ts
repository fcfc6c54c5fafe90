import { defineRoute } from '@at/http';
import type { ApolloContext } from '../../../../../context';
import { actingForProject } from '../../../../../use-cases/acting-for-project';
import { pauseStateOf } from '../../../../../use-cases/pauses';
import { pauseStateView } from '../../../../api/v1/pause_state/getPauseState';
import { getProjectParams } from '../getProject';

export const getProjectPauseState = (ctx: ApolloContext) =>
  defineRoute({
    method: 'get',
    path: '/dashboard/v1/projects/{id}/pause_state',
    operationId: 'getProjectPauseState',
    summary: "Whether a project's provider calls are paused, and by whom (the operator's pause wins)",
    tags: ['projects'],
    security: 'orgToken',
    auth: ctx.auth.org,
    params: getProjectParams,
    responses: { 200: { description: 'the pauses that apply', schema: pauseStateView } },
    handler: async ({ auth, params }) => {
      const scope = await actingForProject(ctx.db, auth.orgId, params.id);
      return { status: 200, body: await pauseStateOf(ctx, scope.projectId) };
    },
  });
