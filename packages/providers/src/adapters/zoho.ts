import type { RevocationAdapter } from './adapter';
import { heldTokens, resultOfCall } from './outcome';

/**
 * Zoho revokes a refresh token (and every access token made from it) at
 * https://{accounts_domain}/oauth/v2/token/revoke with the token in the query string
 * (catalog/zoho.json). The URL therefore holds a secret: it is built here only, never
 * recorded (the revoker masks the token in anything the provider echoes, and no URL is logged).
 * Errors may come as HTTP 200 with `error`, which classification reads as errors.
 */
export const revokeZoho: RevocationAdapter = async (ctx) => {
  const refreshToken = ctx.credential.refresh_token;
  if (!refreshToken) {
    return { outcome: 'unsupported_by_provider', reason: `${ctx.entry.displayName} revokes refresh tokens only and the credential holds none; the credential is destroyed locally only` };
  }
  const url = new URL(ctx.revocationUrl);
  url.searchParams.set(ctx.revocation.fields?.token ?? 'token', refreshToken);
  const outcome = await ctx.send({ method: 'POST', url: url.href, headers: {}, classify: { auth: 'token' } });
  return resultOfCall(outcome, heldTokens(ctx.credential));
};
