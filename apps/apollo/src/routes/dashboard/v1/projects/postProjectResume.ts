import { defineRoute } from '@at/http';
import type { ApolloContext } from '../../../../context';
import { resumeProject } from '../../../../use-cases/pauses';
import { optionalReasonBody, pauseResponse } from '../../../admin/v1/pause/pause-views';
import { getProjectParams } from './getProject';

export const postProjectResume = (ctx: ApolloContext) =>
  defineRoute({
    method: 'post',
    path: '/dashboard/v1/projects/{id}/resume',
    operationId: 'resumeProject',
    summary: "Lift a project's pause (an operator pause still holds it)",
    tags: ['projects'],
    security: 'orgToken',
    auth: ctx.auth.org,
    params: getProjectParams,
    body: optionalReasonBody,
    responses: { 200: { description: 'resumed', schema: pauseResponse } },
    handler: async ({ auth, params }) => ({ status: 200, body: { paused: false, changed: await resumeProject(ctx, auth.orgId, params.id) } }),
  });
