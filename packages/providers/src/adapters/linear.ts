import type { RevocationAdapter } from './adapter';
import { heldTokens } from './outcome';
import { revokeWithOwnToken } from './token-auth';

/**
 * POST https://api.linear.app/oauth/revoke, authenticated by the access token it revokes
 * (Authorization: Bearer), ends the grant (catalog/linear.json). A dead token is refused
 * (401, or GraphQL AUTHENTICATION_ERROR), so while a refresh token exists it decides: an expired
 * or refused access token is refreshed and the revocation made with the new one.
 */
export const revokeLinear: RevocationAdapter = (ctx) =>
  revokeWithOwnToken(ctx, {
    revokeCall: (accessToken) => ({ method: 'POST', url: ctx.revocationUrl, headers: { authorization: `Bearer ${accessToken}` }, classify: { auth: 'token' } }),
    killed: () => heldTokens(ctx.credential),
  });
