import { z } from 'zod';
import { defineRoute, errorResponseSchema } from '@at/http';
import { servedOverHttps, sessionCookie } from '../../../../auth/console-session';
import type { ApolloContext } from '../../../../context';
import { signIn } from '../../../../use-cases/console-session';
import { consoleSessionView, presentConsoleSession } from './session-view';

export const postSessionBody = z.strictObject({ token: z.string().min(1).max(256).describe('an org admin token (ato_...)') });

/** Sign in to the console: the token is exchanged for an HttpOnly session cookie. */
export const postSession = (ctx: ApolloContext) =>
  defineRoute({
    method: 'post',
    path: '/console/api/session',
    operationId: 'createConsoleSession',
    summary: 'Sign in to the web console with an org admin token (sets the session cookie)',
    tags: ['console'],
    auth: async () => undefined,
    body: postSessionBody,
    responses: {
      201: { description: 'signed in; Set-Cookie carries the session', schema: consoleSessionView },
      401: { description: 'not a live org admin token', schema: errorResponseSchema },
    },
    handler: async ({ body, req }) => {
      const { secrets, session } = await signIn(ctx, body.token);
      return {
        status: 201,
        headers: { 'set-cookie': sessionCookie(secrets.secret, ctx.env.CONSOLE_SESSION_TTL_SECONDS, servedOverHttps(req)) },
        body: presentConsoleSession(session, secrets.csrfToken, ctx.env),
      };
    },
  });
