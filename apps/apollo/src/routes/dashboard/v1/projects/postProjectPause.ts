import { defineRoute } from '@at/http';
import type { ApolloContext } from '../../../../context';
import { pauseProject } from '../../../../use-cases/pauses';
import { optionalReasonBody, pauseResponse } from '../../../admin/v1/pause/pause-views';
import { getProjectParams } from './getProject';

export const postProjectPause = (ctx: ApolloContext) =>
  defineRoute({
    method: 'post',
    path: '/dashboard/v1/projects/{id}/pause',
    operationId: 'pauseProject',
    summary: "Pause every outbound provider call of a project's connections; running jobs wait where they are",
    tags: ['projects'],
    security: 'orgToken',
    auth: ctx.auth.org,
    params: getProjectParams,
    body: optionalReasonBody,
    responses: { 200: { description: 'paused', schema: pauseResponse } },
    handler: async ({ auth, params, body }) => ({
      status: 200,
      body: { paused: true, changed: await pauseProject(ctx, auth.orgId, params.id, body.reason ?? null, { type: 'org_admin_token', id: auth.orgAdminTokenId }) },
    }),
  });
