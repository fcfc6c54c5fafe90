import type { OAuthCredential, TokenKind } from '../types';
import type { AdapterContext, AdapterResult, CallOutcome, ProviderCall } from './adapter';
import { FORM, clientAuthParts, clientCredentialsOf, formBody, missingClientCredentials } from './client-auth';
import { failure, misconfigured } from './outcome';

// refresh a little early rather than race the expiry
const EXPIRY_SKEW_MS = 30_000;

export type TokenAuthRevocation = {
  /** The revoke call, authenticated with the access token it revokes. */
  revokeCall(accessToken: string): ProviderCall;
  /** What died when the call succeeded; `refreshed` says the stored refresh token was spent. */
  killed(refreshed: boolean): TokenKind[];
  /** Why a successful answer does not prove the revocation (e.g. Slack's `revoked` flag), or null. */
  unconfirmed?(body: unknown): string | null;
  /**
   * A call made with the revoked token after a successful answer, where that answer does not
   * prove the token dead (Zendesk): its outcome replaces the success (see confirmWithToken).
   */
  confirm?(accessToken: string): Promise<CallOutcome>;
};

/**
 * For providers whose revoke call is authenticated by the token itself (Slack, Dropbox, Linear,
 * Strava, Shopify, Zendesk) or takes only the access token (LinkedIn, Twitch): a dead
 * access token cannot revoke anything, so while a refresh token exists we refresh first (when
 * the access token has expired, or when the provider rejects it) and revoke with the fresh one.
 * Only a refresh the provider refuses (`invalid_grant`) proves the grant is already gone. A
 * refresh spends the stored refresh token, so the new pair is stored before it is used.
 */
export async function revokeWithOwnToken(ctx: AdapterContext, spec: TokenAuthRevocation): Promise<AdapterResult> {
  const { credential } = ctx;
  let accessToken = credential.access_token;
  let refreshed = false;
  if (credential.refresh_token && isExpired(credential.expires_at, ctx.now())) {
    const fresh = await refreshAndKeep(ctx, credential.refresh_token, spec);
    if (!isCredential(fresh)) return fresh;
    accessToken = fresh.access_token;
    refreshed = true;
  }
  let outcome = await revokeOnce(ctx, spec, accessToken);
  if (outcome.kind === 'already_revoked' && !refreshed && credential.refresh_token) {
    const fresh = await refreshAndKeep(ctx, credential.refresh_token, spec);
    if (!isCredential(fresh)) return fresh;
    refreshed = true;
    outcome = await revokeOnce(ctx, spec, fresh.access_token);
  }
  if (outcome.kind === 'ok') return { outcome: 'revoked', revokedTokens: spec.killed(refreshed) };
  if (outcome.kind === 'already_revoked') return { outcome: 'already_revoked', revokedTokens: [] };
  return failure(outcome);
}

/** The revoke call, then (after a success) the provider's confirmation where one is needed. */
async function revokeOnce(ctx: AdapterContext, spec: TokenAuthRevocation, accessToken: string): Promise<CallOutcome> {
  const outcome = confirmed(await ctx.send(spec.revokeCall(accessToken)), spec);
  if (outcome.kind !== 'ok' || !spec.confirm) return outcome;
  return spec.confirm(accessToken);
}

/**
 * A confirmation call made with the token: refused as a dead token means the revocation took
 * (ok); accepted means the token still works, so nothing was revoked (failed); anything else
 * leaves it unknown (failed, with the provider's code).
 */
export async function confirmWithToken(ctx: AdapterContext, call: ProviderCall): Promise<CallOutcome> {
  const check = await ctx.send(call);
  if (check.kind === 'already_revoked') return { kind: 'ok', body: null };
  if (check.kind === 'ok') return { kind: 'failed', errorCode: 'revocation_not_confirmed', errorMessage: 'the provider answered the revocation with success, but the token still works', providerWide: false };
  return { kind: 'failed', errorCode: check.errorCode, errorMessage: `the revocation could not be confirmed: ${check.errorMessage}`, providerWide: check.providerWide };
}

function confirmed(outcome: CallOutcome, spec: TokenAuthRevocation): CallOutcome {
  if (outcome.kind !== 'ok' || !spec.unconfirmed) return outcome;
  const reason = spec.unconfirmed(outcome.body);
  return reason === null ? outcome : { kind: 'failed', errorCode: 'revocation_not_confirmed', errorMessage: reason, providerWide: false };
}

function isCredential(value: OAuthCredential | AdapterResult): value is OAuthCredential {
  return 'access_token' in value;
}

/**
 * Refreshes, then stores the new pair through ctx.rotated before anything else can fail. If it
 * cannot be stored, the new pair is revoked at once (it would otherwise stay live, known to no
 * one): revoked when that is confirmed, else failed with credential_store_failed.
 */
async function refreshAndKeep(ctx: AdapterContext, refreshToken: string, spec: TokenAuthRevocation): Promise<OAuthCredential | AdapterResult> {
  const fresh = await refreshCredential(ctx, refreshToken);
  if (!isCredential(fresh)) return fresh;
  const stored = await store(ctx, fresh);
  if (stored) return fresh;
  const outcome = await revokeOnce(ctx, spec, fresh.access_token);
  if (outcome.kind === 'ok' || outcome.kind === 'already_revoked') return { outcome: 'revoked', revokedTokens: spec.killed(true) };
  return { outcome: 'failed', errorCode: 'credential_store_failed', errorMessage: `a refresh issued a new token pair that could not be stored, and revoking it failed (${outcome.errorCode})`, providerWide: false };
}

/** ctx.rotated, reporting whether the new pair is stored. */
export async function store(ctx: AdapterContext, fresh: OAuthCredential): Promise<boolean> {
  try {
    await ctx.rotated(fresh);
    return true;
  } catch {
    return false;
  }
}

/**
 * The standard refresh_token grant, with the client authentication the catalog lists first for
 * the provider's token endpoint; returns the new credential (a new
 * refresh token when the provider rotates it, else the old one), or the result that ends the
 * revocation: a refused refresh token means nothing is left to revoke.
 */
export async function refreshCredential(ctx: AdapterContext, refreshToken: string, call: Partial<ProviderCall> = {}): Promise<OAuthCredential | AdapterResult> {
  const credentials = clientCredentialsOf(ctx.client);
  if (!credentials) return missingClientCredentials;
  if (!ctx.tokenUrl) return misconfigured('missing_token_endpoint', 'no token endpoint is known for this provider');
  const auth = clientAuthParts(ctx.tokenAuth, credentials);
  const outcome = await ctx.send({
    method: 'POST',
    url: ctx.tokenUrl,
    headers: { 'content-type': FORM, ...auth.headers },
    body: formBody({ grant_type: 'refresh_token', refresh_token: refreshToken, ...auth.fields }),
    classify: { auth: 'client' },
    ...call,
  });
  if (outcome.kind === 'already_revoked') return { outcome: 'already_revoked', revokedTokens: [] };
  if (outcome.kind === 'failed') return failure(outcome);
  return credentialOf(ctx, outcome.body, refreshToken);
}

function credentialOf(ctx: AdapterContext, body: unknown, refreshToken: string): OAuthCredential | AdapterResult {
  const fields = (typeof body === 'object' && body !== null ? body : {}) as { access_token?: unknown; refresh_token?: unknown; expires_in?: unknown };
  if (typeof fields.refresh_token === 'string' && fields.refresh_token !== '') ctx.protect(fields.refresh_token);
  if (typeof fields.access_token !== 'string' || fields.access_token === '') {
    return { outcome: 'failed', errorCode: 'invalid_refresh_response', errorMessage: 'the token endpoint answered without an access token', providerWide: false };
  }
  ctx.protect(fields.access_token);
  const expiresIn = typeof fields.expires_in === 'number' ? fields.expires_in : typeof fields.expires_in === 'string' ? Number(fields.expires_in) : NaN;
  return {
    type: 'oauth2',
    access_token: fields.access_token,
    refresh_token: typeof fields.refresh_token === 'string' && fields.refresh_token !== '' ? fields.refresh_token : refreshToken,
    ...(Number.isFinite(expiresIn) && expiresIn > 0 && expiresIn < 10 * 365 * 86_400 ? { expires_at: new Date(ctx.now() + expiresIn * 1000).toISOString() } : {}),
  };
}

export function isExpired(expiresAt: string | undefined, now: number): boolean {
  if (!expiresAt) return false;
  const at = Date.parse(expiresAt);
  return !Number.isNaN(at) && at <= now + EXPIRY_SKEW_MS;
}
