import { z } from 'zod';
import { defineRoute, errorResponseSchema } from '@at/http';
import type { ApolloContext } from '../../../../context';
import type { ProjectScope } from '../../../../use-cases/acting-for-project';
import { createConnectSession } from '../../../../use-cases/connect/create-connect-session';
import { redirectUri } from '../../../dashboard/v1/projects/redirect-uris';
import { idField, iso, plainText, timestamp } from '../../../schemas';
import { publicStatusOf } from './connect-session-view';

export const postConnectSessionsBody = z.strictObject({
  auth_config_id: idField('ac', 'auth config'),
  user_id: plainText(256).describe('your id of the end user'),
  redirect_uri: redirectUri.describe("where the end user lands afterwards, with ?status=success&connected_account_id=... or ?status=error&error=...; must equal one of the project's allowed_redirect_uris"),
  connected_account_id: idField('ca', 'connected account').optional().describe('reconnect this connection (e.g. needs_reauth): its credential is replaced, same id'),
});

export const postConnectSessionsResponse = z.object({
  id: z.string(),
  connect_url: z.string().describe('hand this link to the end user; it works once, until expires_at'),
  expires_at: timestamp,
  status: z.literal('pending'),
});

/** Creates the session and answers 201 with its link; both surfaces (API key, dashboard) answer through here. */
export async function createdConnectSession(ctx: ApolloContext, scope: ProjectScope, body: z.output<typeof postConnectSessionsBody>) {
  const { session, connectUrl } = await createConnectSession(ctx, scope, {
    authConfigId: body.auth_config_id,
    userId: body.user_id,
    redirectUri: body.redirect_uri,
    connectedAccountId: body.connected_account_id,
  });
  const status = publicStatusOf(session);
  if (status !== 'pending') throw new Error('a new connect session is not pending');
  return { status: 201 as const, headers: { 'cache-control': 'no-store' }, body: { id: session.id, connect_url: connectUrl, expires_at: iso(session.expiresAt), status } };
}

export const postConnectSessions = (ctx: ApolloContext) =>
  defineRoute({
    method: 'post',
    path: '/api/v1/connect_sessions',
    operationId: 'createConnectSession',
    summary: 'Create a hosted connect link for an end user (authorization code + PKCE, or an API key form)',
    tags: ['connect sessions'],
    security: 'apiKey',
    auth: ctx.auth.project,
    body: postConnectSessionsBody,
    responses: {
      201: { description: 'created; connect_url is shown only here', schema: postConnectSessionsResponse },
      404: { description: 'auth config or connected account not found', schema: errorResponseSchema },
      409: { description: 'connection_revoked: a revoked connection cannot be reconnected', schema: errorResponseSchema },
    },
    handler: async ({ auth, body }) => createdConnectSession(ctx, auth, body),
  });
