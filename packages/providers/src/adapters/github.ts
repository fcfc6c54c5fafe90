import { randomBytes } from 'node:crypto';
import type { OAuthCredential } from '../types';
import type { AdapterContext, AdapterResult, CallOutcome, RevocationAdapter } from './adapter';
import { FORM, JSON_TYPE, basicAuthorization, clientCredentialsOf, formBody, missingClientCredentials, type ClientCredentials } from './client-auth';
import { failure, heldTokens } from './outcome';
import { isExpired, refreshCredential, store } from './token-auth';

/**
 * "Delete an app authorization" (DELETE /applications/{client_id}/grant) ends every token of
 * the grant; GitHub documents 204 and 422 only
 * (https://docs.github.com/en/rest/apps/oauth-applications#delete-an-app-authorization).
 * A 404 is ambiguous: the grant may be gone, or the token expired (GitHub App user tokens last
 * 8 hours, their refresh tokens 6 months), or the client id is wrong. So a 404 is reported
 * `already_revoked` only once GitHub has shown that the client credentials are right and the
 * token is dead: an expired token is refreshed first (github.com/login/oauth/access_token), and
 * without a refresh token the client credentials are proven at that endpoint, which answers
 * `bad_refresh_token` for valid ones and `incorrect_client_credentials` for wrong ones
 * (https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/refreshing-user-access-tokens).
 */
export const revokeGithub: RevocationAdapter = async (ctx) => {
  const credentials = clientCredentialsOf(ctx.client);
  if (!credentials) return missingClientCredentials;
  const { credential } = ctx;
  let accessToken = credential.access_token;
  let refreshed = false;
  if (credential.refresh_token && isExpired(credential.expires_at, ctx.now())) {
    const fresh = await refreshAndKeep(ctx, credentials, credential.refresh_token);
    if (!('access_token' in fresh)) return fresh;
    accessToken = fresh.access_token;
    refreshed = true;
  }
  let outcome = await deleteGrant(ctx, credentials, accessToken);
  if (isNotFound(outcome) && !refreshed && credential.refresh_token) {
    // the access token may have expired without our knowing when: its refresh token decides
    const fresh = await refreshAndKeep(ctx, credentials, credential.refresh_token);
    if (!('access_token' in fresh)) return fresh;
    refreshed = true;
    outcome = await deleteGrant(ctx, credentials, fresh.access_token);
  }
  if (outcome.kind === 'ok') {
    ctx.clientProof.prove(credentials.id);
    return { outcome: 'revoked', revokedTokens: heldTokens(credential) };
  }
  if (outcome.kind === 'already_revoked') return { outcome: 'already_revoked', revokedTokens: [] };
  if (!isNotFound(outcome)) return failure(outcome);
  if (refreshed) return ambiguous('GitHub answered 404 for an access token it had just issued');
  const proof = await proveClient(ctx, credentials);
  if (proof === true) return { outcome: 'already_revoked', revokedTokens: [] };
  return proof ?? ambiguous('GitHub answered 404: the grant is gone, or the client id is wrong, and the client credentials could not be proven');
};

function deleteGrant(ctx: AdapterContext, credentials: ClientCredentials, accessToken: string): Promise<CallOutcome> {
  return ctx.send({
    method: 'DELETE',
    url: ctx.revocationUrl,
    headers: {
      authorization: basicAuthorization(credentials),
      accept: 'application/vnd.github+json',
      'x-github-api-version': '2022-11-28',
      'content-type': JSON_TYPE,
    },
    body: JSON.stringify({ access_token: accessToken }),
    classify: { auth: 'client' },
  });
}

function isNotFound(outcome: CallOutcome): boolean {
  return outcome.kind === 'failed' && outcome.status === 404;
}

function ambiguous(errorMessage: string): AdapterResult {
  return { outcome: 'failed', errorCode: 'grant_not_found', errorMessage: `${errorMessage}; not reported revoked`, providerWide: false };
}

/** GitHub's refresh takes the client credentials as parameters and answers JSON when asked to. */
function tokenCall(credentials: ClientCredentials, refreshToken: string) {
  return {
    headers: { 'content-type': FORM, accept: JSON_TYPE },
    body: formBody({ client_id: credentials.id, client_secret: credentials.secret, grant_type: 'refresh_token', refresh_token: refreshToken }),
  };
}

/**
 * Refreshes (GitHub rotates both tokens) and stores the new pair before using it; a refused
 * refresh token proves the client credentials (GitHub checks those first) and that nothing is
 * left: the access token expired or was unknown, the refresh token is dead.
 */
async function refreshAndKeep(ctx: AdapterContext, credentials: ClientCredentials, refreshToken: string): Promise<OAuthCredential | AdapterResult> {
  const fresh = await refreshCredential(ctx, refreshToken, tokenCall(credentials, refreshToken));
  if (!('access_token' in fresh)) {
    if (fresh.outcome === 'already_revoked') ctx.clientProof.prove(credentials.id);
    return fresh;
  }
  ctx.clientProof.prove(credentials.id);
  if (await store(ctx, fresh)) return fresh;
  const outcome = await deleteGrant(ctx, credentials, fresh.access_token);
  if (outcome.kind === 'ok') return { outcome: 'revoked', revokedTokens: heldTokens(ctx.credential) };
  return { outcome: 'failed', errorCode: 'credential_store_failed', errorMessage: `a refresh issued a new token pair that could not be stored, and revoking it failed (${outcome.kind === 'failed' ? outcome.errorCode : outcome.kind})`, providerWide: false };
}

/**
 * True when GitHub accepts the app's client credentials (recently, or now: a refresh with a
 * token that cannot exist is answered `bad_refresh_token` for valid credentials); the failure
 * to report when it rejects them; undefined when the answer says neither.
 */
async function proveClient(ctx: AdapterContext, credentials: ClientCredentials): Promise<true | AdapterResult | undefined> {
  if (ctx.clientProof.isProven(credentials.id)) return true;
  if (!ctx.tokenUrl) return undefined;
  const probe = `probe-${randomBytes(16).toString('hex')}`;
  const outcome = await ctx.send({ method: 'POST', url: ctx.tokenUrl, ...tokenCall(credentials, probe), classify: { auth: 'client' } });
  if (outcome.kind === 'already_revoked' && outcome.errorCode === 'bad_refresh_token') {
    ctx.clientProof.prove(credentials.id);
    return true;
  }
  if (outcome.kind === 'failed' && outcome.errorCode === 'invalid_client') return failure(outcome);
  return undefined;
}
