import { z } from 'zod';
import { defineRoute } from '@at/http';
import { clearedSessionCookie, servedOverHttps } from '../../../../auth/console-session';
import type { ApolloContext } from '../../../../context';
import { signOut } from '../../../../use-cases/console-session';

export const deleteSessionResponse = z.object({ signed_out: z.literal(true) });

/** Sign out: the session ends server-side (the cookie stops working everywhere), and is cleared. */
export const deleteSession = (ctx: ApolloContext) =>
  defineRoute({
    method: 'delete',
    path: '/console/api/session',
    operationId: 'deleteConsoleSession',
    summary: 'Sign out of the web console (ends the session server-side)',
    tags: ['console'],
    security: 'consoleSession',
    auth: ctx.auth.session,
    responses: { 200: { description: 'signed out', schema: deleteSessionResponse } },
    handler: async ({ auth, req }) => {
      await signOut(ctx, auth.session.idHash);
      return { status: 200, headers: { 'set-cookie': clearedSessionCookie(servedOverHttps(req)) }, body: { signed_out: true } };
    },
  });
