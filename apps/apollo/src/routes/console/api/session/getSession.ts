import { defineRoute } from '@at/http';
import { csrfTokenFor } from '../../../../auth/console-session';
import type { ApolloContext } from '../../../../context';
import { consoleSessionView, presentConsoleSession } from './session-view';

/** The current session: a reloaded page learns its org and its CSRF token again from the cookie. */
export const getSession = (ctx: ApolloContext) =>
  defineRoute({
    method: 'get',
    path: '/console/api/session',
    operationId: 'getConsoleSession',
    summary: 'The current console session',
    tags: ['console'],
    security: 'consoleSession',
    auth: ctx.auth.session,
    responses: { 200: { description: 'the session', schema: consoleSessionView } },
    handler: async ({ auth }) => ({ status: 200, body: presentConsoleSession(auth.session, csrfTokenFor(auth.session.secret), ctx.env) }),
  });
