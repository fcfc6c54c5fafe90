import type { RevocationAdapter } from './adapter';
import { JSON_TYPE, basicAuthorization, clientCredentialsOf, missingClientCredentials } from './client-auth';
import { heldTokens, resultOfCall } from './outcome';

/** Deleting the app authorization ends every token of the grant; 404 means it is already gone. */
export const revokeGithub: RevocationAdapter = async (ctx) => {
  const credentials = clientCredentialsOf(ctx.client);
  if (!credentials) return missingClientCredentials;
  const outcome = await ctx.send({
    method: 'DELETE',
    url: `${ctx.baseUrl}/applications/${encodeURIComponent(credentials.id)}/grant`,
    headers: {
      authorization: basicAuthorization(credentials),
      accept: 'application/vnd.github+json',
      'x-github-api-version': '2022-11-28',
      'content-type': JSON_TYPE,
    },
    body: JSON.stringify({ access_token: ctx.credential.access_token }),
    classify: { auth: 'client', notFoundIsRevoked: true },
  });
  return resultOfCall(outcome, heldTokens(ctx.credential));
};
