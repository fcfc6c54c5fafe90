import { UnauthenticatedError } from '@at/common';
import type { ApolloContext } from '../context';
import { newSessionSecrets, type SessionSecrets } from '../auth/console-session';
import { hashSecret } from '../auth/secret-tokens';
import { findLiveConsoleSession, insertConsoleSession, revokeConsoleSession, type ConsoleSessionRecord } from '../repositories/console-sessions';
import { findLiveOrgAdminToken } from '../repositories/org-admin-tokens';

export type SignedIn = { secrets: SessionSecrets; session: ConsoleSessionRecord };

/**
 * Exchanges an org admin token for a console session. The token itself is not kept by the
 * browser: the session cookie is HttpOnly, and the page holds only the CSRF token in memory.
 */
export async function signIn(ctx: Pick<ApolloContext, 'db' | 'env'>, token: string): Promise<SignedIn> {
  const adminToken = await findLiveOrgAdminToken(ctx.db, hashSecret(token));
  if (!adminToken) throw new UnauthenticatedError('invalid org admin token');
  const secrets = newSessionSecrets();
  const expiresAt = new Date(Date.now() + ctx.env.CONSOLE_SESSION_TTL_SECONDS * 1000);
  await insertConsoleSession(ctx.db, { idHash: secrets.idHash, orgId: adminToken.orgId, orgAdminTokenId: adminToken.id, csrfTokenHash: secrets.csrfTokenHash, expiresAt });
  const session = await findLiveConsoleSession(ctx.db, secrets.idHash);
  if (!session) throw new UnauthenticatedError('invalid org admin token');
  return { secrets, session };
}

export async function signOut(ctx: Pick<ApolloContext, 'db'>, idHash: string): Promise<void> {
  await revokeConsoleSession(ctx.db, idHash);
}
