import type { TokenKind } from '../types';
import type { RevocationAdapter } from './adapter';
import { FORM } from './client-auth';
import { revokeWithOwnToken } from './token-auth';

/**
 * auth.revoke revokes the token that authenticates the call. With token rotation a refresh
 * spends the stored refresh token (Slack revokes it on use), so it died too.
 */
export const revokeSlack: RevocationAdapter = (ctx) =>
  revokeWithOwnToken(ctx, {
    revokeCall: (accessToken) => ({
      method: 'POST',
      url: `${ctx.baseUrl}/api/auth.revoke`,
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': FORM },
      body: '',
      classify: { auth: 'token' },
    }),
    killed: (refreshed): TokenKind[] => (refreshed ? ['access', 'refresh'] : ['access']),
  });
