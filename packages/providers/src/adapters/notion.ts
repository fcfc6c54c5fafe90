import type { RevocationAdapter } from './adapter';
import { JSON_TYPE, basicAuthorization, clientCredentialsOf, missingClientCredentials } from './client-auth';
import { heldTokens, resultOfCall } from './outcome';

const NOTION_VERSION = '2025-09-03';

/** Revoking a Notion access token removes the integration's connection, so the grant ends with it. */
export const revokeNotion: RevocationAdapter = async (ctx) => {
  const credentials = clientCredentialsOf(ctx.client);
  if (!credentials) return missingClientCredentials;
  const outcome = await ctx.send({
    method: 'POST',
    url: ctx.revocationUrl,
    headers: { authorization: basicAuthorization(credentials), 'content-type': JSON_TYPE, 'notion-version': NOTION_VERSION },
    body: JSON.stringify({ token: ctx.credential.access_token }),
    classify: { auth: 'client' },
  });
  return resultOfCall(outcome, heldTokens(ctx.credential));
};
