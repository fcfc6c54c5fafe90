import type { RevocationAdapter } from './adapter';
import { heldTokens } from './outcome';
import { revokeWithOwnToken } from './token-auth';

/** token/revoke disables the calling access token and, per Dropbox, its refresh token and siblings. */
export const revokeDropbox: RevocationAdapter = (ctx) =>
  revokeWithOwnToken(ctx, {
    // an argument-less Dropbox RPC: no body and no content type
    revokeCall: (accessToken) => ({
      method: 'POST',
      url: `${ctx.baseUrl}/2/auth/token/revoke`,
      headers: { authorization: `Bearer ${accessToken}` },
      classify: { auth: 'token' },
    }),
    killed: () => heldTokens(ctx.credential),
  });
