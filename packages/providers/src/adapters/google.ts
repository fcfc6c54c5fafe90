import type { RevocationAdapter } from './adapter';
import { FORM, formBody } from './client-auth';
import { heldTokens, resultOfCall } from './outcome';

/** Google ends the whole grant when either token is revoked; the refresh token is the one that matters. */
export const revokeGoogle: RevocationAdapter = async (ctx) => {
  const { credential } = ctx;
  const outcome = await ctx.send({
    method: 'POST',
    url: ctx.revocationUrl,
    headers: { 'content-type': FORM },
    body: formBody({ token: credential.refresh_token ?? credential.access_token }),
    classify: { auth: 'token' },
  });
  return resultOfCall(outcome, heldTokens(credential));
};
