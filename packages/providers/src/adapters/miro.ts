import type { RevocationAdapter } from './adapter';
import { JSON_TYPE, clientCredentialsOf, missingClientCredentials } from './client-auth';
import { heldTokens } from './outcome';
import { revokeWithOwnToken } from './token-auth';

/**
 * POST https://api.miro.com/v2/oauth/revoke takes the access token and the app's client id and
 * secret in a JSON body under Miro's own names (catalog/miro.json `fields`), and revokes the
 * refresh token with it. Only the access token is accepted, so an expired or refused one is
 * refreshed first while a refresh token exists: its refusal alone would not prove the grant dead.
 */
export const revokeMiro: RevocationAdapter = (ctx) => {
  const credentials = clientCredentialsOf(ctx.client);
  if (!credentials) return Promise.resolve(missingClientCredentials);
  const names = ctx.revocation.fields ?? {};
  return revokeWithOwnToken(ctx, {
    revokeCall: (accessToken) => ({
      method: 'POST',
      url: ctx.revocationUrl,
      headers: { 'content-type': JSON_TYPE },
      body: JSON.stringify({ [names.token ?? 'token']: accessToken, [names.client_id ?? 'client_id']: credentials.id, [names.client_secret ?? 'client_secret']: credentials.secret }),
      classify: { auth: 'client' },
    }),
    killed: () => heldTokens(ctx.credential),
  });
};
