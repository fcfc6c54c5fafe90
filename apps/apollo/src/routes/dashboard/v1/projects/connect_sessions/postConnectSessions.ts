import { defineRoute, errorResponseSchema } from '@at/http';
import type { ApolloContext } from '../../../../../context';
import { actingForProject } from '../../../../../use-cases/acting-for-project';
import { createConnectSession } from '../../../../../use-cases/connect/create-connect-session';
import { postConnectSessionsBody, postConnectSessionsResponse } from '../../../../api/v1/connect_sessions/postConnectSessions';
import { publicStatusOf } from '../../../../api/v1/connect_sessions/connect-session-view';
import { iso } from '../../../../schemas';
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
    handler: async ({ auth, params, body }) => {
      const scope = await actingForProject(ctx.db, auth.orgId, params.id);
      const { session, connectUrl } = await createConnectSession(ctx, scope, {
        authConfigId: body.auth_config_id,
        userId: body.user_id,
        redirectUri: body.redirect_uri,
        connectedAccountId: body.connected_account_id,
      });
      const status = publicStatusOf(session);
      if (status !== 'pending') throw new Error('a new connect session is not pending');
      return { status: 201, headers: { 'cache-control': 'no-store' }, body: { id: session.id, connect_url: connectUrl, expires_at: iso(session.expiresAt), status } };
    },
  });
