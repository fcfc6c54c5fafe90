import type { TokenKind } from '../types';
import type { AdapterContext, AdapterResult, CallOutcome, ProviderCall } from './adapter';
import { FORM, basicAuthorization, clientCredentialsOf, formBody, missingClientCredentials } from './client-auth';
import { failure, misconfigured } from './outcome';

// refresh a little early rather than race the expiry
const EXPIRY_SKEW_MS = 30_000;

export type TokenAuthRevocation = {
  /** The revoke call, authenticated with the access token it revokes. */
  revokeCall(accessToken: string): ProviderCall;
  /** What died when the call succeeded; `refreshed` says the stored refresh token was spent. */
  killed(refreshed: boolean): TokenKind[];
};

/**
 * For providers whose revoke call is authenticated by the token itself (Slack, Dropbox): a dead
 * access token cannot revoke anything, so while a refresh token exists we refresh first (when
 * the access token has expired, or when the provider rejects it) and revoke with the fresh one.
 * Only a refresh the provider refuses (`invalid_grant`) proves the grant is already gone.
 */
export async function revokeWithOwnToken(ctx: AdapterContext, spec: TokenAuthRevocation): Promise<AdapterResult> {
  const { credential } = ctx;
  let accessToken = credential.access_token;
  let refreshed = false;
  if (credential.refresh_token && isExpired(credential.expires_at, ctx.now())) {
    const fresh = await refreshAccessToken(ctx, credential.refresh_token);
    if (typeof fresh !== 'string') return fresh;
    accessToken = fresh;
    refreshed = true;
  }
  let outcome: CallOutcome = await ctx.send(spec.revokeCall(accessToken));
  if (outcome.kind === 'already_revoked' && !refreshed && credential.refresh_token) {
    const fresh = await refreshAccessToken(ctx, credential.refresh_token);
    if (typeof fresh !== 'string') return fresh;
    refreshed = true;
    outcome = await ctx.send(spec.revokeCall(fresh));
  }
  if (outcome.kind === 'ok') return { outcome: 'revoked', revokedTokens: spec.killed(refreshed) };
  if (outcome.kind === 'already_revoked') return { outcome: 'already_revoked', revokedTokens: [] };
  return failure(outcome);
}

/** The standard refresh_token grant; returns the fresh access token, or the result that ends the revocation. */
async function refreshAccessToken(ctx: AdapterContext, refreshToken: string): Promise<string | AdapterResult> {
  const credentials = clientCredentialsOf(ctx.client);
  if (!credentials) return missingClientCredentials;
  if (!ctx.tokenEndpointPath) return misconfigured('missing_token_endpoint', 'no token endpoint is known for this provider');
  const outcome = await ctx.send({
    method: 'POST',
    url: `${ctx.baseUrl}${ctx.tokenEndpointPath}`,
    headers: { 'content-type': FORM, authorization: basicAuthorization(credentials) },
    body: formBody({ grant_type: 'refresh_token', refresh_token: refreshToken }),
    classify: { auth: 'client' },
  });
  if (outcome.kind === 'already_revoked') return { outcome: 'already_revoked', revokedTokens: [] };
  if (outcome.kind === 'failed') return failure(outcome);
  const body = (typeof outcome.body === 'object' && outcome.body !== null ? outcome.body : {}) as { access_token?: unknown; refresh_token?: unknown };
  if (typeof body.refresh_token === 'string') ctx.protect(body.refresh_token);
  if (typeof body.access_token !== 'string' || body.access_token === '') return { outcome: 'failed', errorCode: 'invalid_refresh_response', errorMessage: 'the token endpoint answered without an access token', providerWide: false };
  ctx.protect(body.access_token);
  return body.access_token;
}

function isExpired(expiresAt: string | undefined, now: number): boolean {
  if (!expiresAt) return false;
  const at = Date.parse(expiresAt);
  return !Number.isNaN(at) && at <= now + EXPIRY_SKEW_MS;
}
