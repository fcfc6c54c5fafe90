import type { TokenKind } from '../types';
import type { RevocationAdapter } from './adapter';
import { FORM, clientAuthParts, clientCredentialsOf, formBody, missingClientCredentials } from './client-auth';
import { failure, killedBy } from './outcome';

/**
 * RFC 7009 at the endpoint the catalog names (or, for the `oauth2` toolkit, the auth config's),
 * with the client authentication, token and field names the catalog entry gives. The refresh
 * token goes first: by section 2.1 revoking it also ends the grant's access tokens, and if we
 * stopped between the two calls the survivor would be the short-lived one. A provider that
 * takes only one kind of token (Xero and Auth0 refresh tokens, LinkedIn and Twitch access
 * tokens) is given only that kind.
 */
export const revokeRfc7009: RevocationAdapter = async (ctx) => {
  const { credential, client, revocation } = ctx;
  const credentials = clientCredentialsOf(client);
  // a confidential client of a provider that wants client authentication must have it; a public
  // client of the generic toolkit identifies itself by client_id alone (RFC 6749 section 2.3.1)
  const wantsClient = revocation.auth === 'client_secret_basic' || revocation.auth === 'client_secret_post';
  if (wantsClient && !credentials && !ctx.entry.requiresRevocationEndpoint) return missingClientCredentials;
  const targets: Array<[TokenKind, string | undefined]> = [];
  if (revocation.token !== 'access_token') targets.push(['refresh', credential.refresh_token]);
  if (revocation.token !== 'refresh_token') targets.push(['access', credential.access_token]);
  if (!targets.some(([, token]) => token)) {
    return { outcome: 'unsupported_by_provider', reason: `${ctx.entry.displayName} revokes ${revocation.token === 'refresh_token' ? 'refresh' : 'access'} tokens only and the credential holds none; the credential is destroyed locally only` };
  }
  const names = revocation.fields ?? {};
  const revoked = new Set<TokenKind>();
  for (const [kind, token] of targets) {
    if (!token) continue;
    const auth = wantsClient && credentials ? clientAuthParts(revocation.auth as 'client_secret_basic' | 'client_secret_post', credentials, names) : { headers: {}, fields: {} };
    const fields: Record<string, string> = { [names.token ?? 'token']: token, token_type_hint: `${kind}_token`, ...auth.fields };
    // without a secret (a public client, or a provider that wants none: Twitch needs client_id) the client names itself
    if ((!credentials || revocation.auth === 'none') && client.clientId) fields[names.client_id ?? 'client_id'] = client.clientId;
    const outcome = await ctx.send({
      method: 'POST',
      url: ctx.revocationUrl,
      headers: { 'content-type': FORM, ...auth.headers },
      body: formBody(fields),
      classify: { auth: 'client' },
    });
    if (outcome.kind === 'failed') return failure(outcome);
    if (outcome.kind === 'ok') for (const dead of killedBy(revocation.revokes, credential, kind)) revoked.add(dead);
    // the grant is gone with the first token: the rest died with it
    if (outcome.kind === 'ok' && revocation.revokes === 'grant') break;
  }
  const list = [...revoked].sort();
  return list.length > 0 ? { outcome: 'revoked', revokedTokens: list } : { outcome: 'already_revoked', revokedTokens: [] };
};
