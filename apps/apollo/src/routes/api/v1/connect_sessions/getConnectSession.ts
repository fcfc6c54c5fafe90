import { NotFoundError } from '@at/common';
import { defineRoute } from '@at/http';
import type { ApolloContext } from '../../../../context';
import { findConnectSession } from '../../../../repositories/connect-sessions';
import { idParam } from '../../../schemas';
import { connectSessionView, presentConnectSession } from './connect-session-view';

export const getConnectSession = (ctx: ApolloContext) =>
  defineRoute({
    method: 'get',
    path: '/api/v1/connect_sessions/{id}',
    operationId: 'getConnectSession',
    summary: 'Get a connect session: pending, completed (with the connection), failed (with why) or expired',
    tags: ['connect sessions'],
    security: 'apiKey',
    auth: ctx.auth.project,
    params: idParam('cs', 'connect session'),
    responses: { 200: { description: 'the session (never its link)', schema: connectSessionView } },
    handler: async ({ auth, params }) => {
      const session = await findConnectSession(ctx.db, auth.projectId, params.id);
      if (!session) throw new NotFoundError('connect session');
      return { status: 200, body: presentConnectSession(session) };
    },
  });
