import { defineRoute, errorResponseSchema } from '@at/http';
import type { ApolloContext } from '../../../../../context';
import { actingForProject } from '../../../../../use-cases/acting-for-project';
import { createdConnectSession, postConnectSessionsBody, postConnectSessionsResponse } from '../../../../api/v1/connect_sessions/postConnectSessions';
import { getProjectParams } from '../getProject';

/** The org admin's way to a connect link (the CLI's `connect-link` signs in with an org admin token). */
export const postConnectSessions = (ctx: ApolloContext) =>
  defineRoute({
    method: 'post',
    path: '/dashboard/v1/projects/{id}/connect_sessions',
    operationId: 'dashboardCreateConnectSession',
    summary: "Create a hosted connect link for an end user of a project (as the project's API key would)",
    tags: ['connect sessions'],
    security: 'orgToken',
    auth: ctx.auth.org,
    params: getProjectParams,
    body: postConnectSessionsBody,
    responses: {
      201: { description: 'created; connect_url is shown only here', schema: postConnectSessionsResponse },
      404: { description: 'project, auth config or connected account not found', schema: errorResponseSchema },
      409: { description: 'connection_revoked: a revoked connection cannot be reconnected', schema: errorResponseSchema },
    },
    handler: async ({ auth, params, body }) => createdConnectSession(ctx, await actingForProject(ctx.db, auth.orgId, params.id), body),
  });
