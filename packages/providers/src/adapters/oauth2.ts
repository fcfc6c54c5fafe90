import type { TokenKind } from '../types';
import type { RevocationAdapter } from './adapter';
import { FORM, basicAuthorization, clientCredentialsOf, formBody } from './client-auth';
import { failure } from './outcome';

/**
 * Generic RFC 7009 at the auth config's revocation endpoint. The refresh token goes first: by
 * section 2.1 revoking it also ends the grant's access tokens, and if we stopped between the
 * two calls the survivor would be the short-lived one.
 */
export const revokeRfc7009: RevocationAdapter = async (ctx) => {
  const { credential, client } = ctx;
  const credentials = clientCredentialsOf(client);
  const targets: Array<[TokenKind, string | undefined]> = [
    ['refresh', credential.refresh_token],
    ['access', credential.access_token],
  ];
  const revoked: TokenKind[] = [];
  for (const [kind, token] of targets) {
    if (!token) continue;
    const fields: Record<string, string> = { token, token_type_hint: `${kind}_token` };
    // a public client identifies itself in the body (RFC 6749 section 2.3.1 allows no secret)
    if (!credentials && client.clientId) fields.client_id = client.clientId;
    const outcome = await ctx.send({
      method: 'POST',
      url: ctx.baseUrl,
      headers: { 'content-type': FORM, ...(credentials ? { authorization: basicAuthorization(credentials) } : {}) },
      body: formBody(fields),
      classify: { auth: 'client' },
    });
    if (outcome.kind === 'failed') return failure(outcome);
    if (outcome.kind === 'ok') revoked.push(kind);
  }
  revoked.sort();
  return revoked.length > 0 ? { outcome: 'revoked', revokedTokens: revoked } : { outcome: 'already_revoked', revokedTokens: [] };
};
