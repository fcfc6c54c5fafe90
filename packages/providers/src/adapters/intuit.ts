import type { RevocationAdapter } from './adapter';
import { JSON_TYPE, basicAuthorization, clientCredentialsOf, missingClientCredentials } from './client-auth';
import { heldTokens, resultOfCall } from './outcome';

/**
 * Intuit (QuickBooks) revokes at /v2/oauth2/tokens/revoke with Basic client authentication and a
 * JSON body {"token": ...}, not RFC 7009's form (catalog/quickbooks.json). Either token ends the
 * grant (the app is disconnected from the company); the refresh token goes when there is one,
 * since it outlives the access token: a dead access token would not prove the grant gone.
 */
export const revokeIntuit: RevocationAdapter = async (ctx) => {
  const credentials = clientCredentialsOf(ctx.client);
  if (!credentials) return missingClientCredentials;
  const outcome = await ctx.send({
    method: 'POST',
    url: ctx.revocationUrl,
    headers: { authorization: basicAuthorization(credentials), 'content-type': JSON_TYPE, accept: JSON_TYPE },
    body: JSON.stringify({ token: ctx.credential.refresh_token ?? ctx.credential.access_token }),
    classify: { auth: 'client' },
  });
  return resultOfCall(outcome, heldTokens(ctx.credential));
};
