import type { RevocationAdapter } from './adapter';
import { heldTokens } from './outcome';
import { revokeWithOwnToken } from './token-auth';

/**
 * POST https://www.strava.com/oauth/deauthorize with the athlete's access token deauthorizes the
 * app for the athlete: every token of the grant dies (catalog/strava.json). Strava access
 * tokens last 6 hours and refresh tokens rotate, so an expired or refused one is refreshed first.
 */
export const revokeStrava: RevocationAdapter = (ctx) =>
  revokeWithOwnToken(ctx, {
    revokeCall: (accessToken) => ({ method: 'POST', url: ctx.revocationUrl, headers: { authorization: `Bearer ${accessToken}` }, classify: { auth: 'token' } }),
    killed: () => heldTokens(ctx.credential),
  });
