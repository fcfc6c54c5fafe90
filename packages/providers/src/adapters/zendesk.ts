import type { RevocationAdapter } from './adapter';
import { misconfigured } from './outcome';
import { confirmWithToken, revokeWithOwnToken } from './token-auth';

/**
 * DELETE https://{subdomain}.zendesk.com/api/v2/oauth/tokens/current.json revokes the token that
 * authenticates it (204). A 204 has been seen while the token kept working (a token without
 * write scope: catalog/zendesk.json quirks), so a 204 proves nothing by itself: the revocation
 * counts once a call made with the token afterwards (GET of the same resource) is refused with
 * 401. A token still accepted is `revocation_not_confirmed`, never revoked.
 */
export const revokeZendesk: RevocationAdapter = (ctx) => {
  const confirmUrl = ctx.confirmUrl;
  if (!confirmUrl) return Promise.resolve(misconfigured('missing_confirmation_endpoint', 'the catalog names no confirmation call for Zendesk'));
  return revokeWithOwnToken(ctx, {
    revokeCall: (accessToken) => ({ method: 'DELETE', url: ctx.revocationUrl, headers: { authorization: `Bearer ${accessToken}` }, classify: { auth: 'token' } }),
    confirm: (accessToken) => confirmWithToken(ctx, { method: 'GET', url: confirmUrl, headers: { authorization: `Bearer ${accessToken}` }, classify: { auth: 'token' } }),
    // one token dies; a refresh before it spent (rotated) the stored refresh token
    killed: (refreshed) => (refreshed ? ['access', 'refresh'] : ['access']),
  });
};
