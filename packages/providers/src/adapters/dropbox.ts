import type { RevocationAdapter } from './adapter';
import { heldTokens } from './outcome';
import { revokeWithOwnToken } from './token-auth';

/**
 * token/revoke disables the calling access token and, per Dropbox, "if there is a corresponding
 * refresh token for the access token, this disables that refresh token, as well as any other
 * access tokens for that refresh token" (https://www.dropbox.com/developers/documentation/http/documentation, auth/token/revoke).
 * Dropbox does not rotate refresh tokens: a refresh returns a new access token only.
 */
export const revokeDropbox: RevocationAdapter = (ctx) =>
  revokeWithOwnToken(ctx, {
    // an argument-less Dropbox RPC: no body and no content type
    revokeCall: (accessToken) => ({
      method: 'POST',
      url: ctx.revocationUrl,
      headers: { authorization: `Bearer ${accessToken}` },
      classify: { auth: 'token' },
    }),
    killed: () => heldTokens(ctx.credential),
  });
