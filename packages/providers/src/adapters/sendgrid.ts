import type { ApiKeyRevocationAdapter } from './adapter';

// SG.<key id>.<secret>: the id is the middle part (catalog/sendgrid.json, parameter api_key_id)
const SENDGRID_KEY = /^SG\.([A-Za-z0-9_-]{1,128})\.[A-Za-z0-9_-]+$/;

/** The values of the revocation endpoint that come from the key itself, or undefined when it is not a SendGrid key. */
export function sendgridKeyParameters(apiKey: string): Record<string, string> | undefined {
  const id = SENDGRID_KEY.exec(apiKey)?.[1];
  return id === undefined ? undefined : { api_key_id: id };
}

/**
 * DELETE /v3/api_keys/{api_key_id} authenticated by the key itself deletes it (204): a key with
 * the api_keys permission can delete itself. A key without it answers 403, which proves nothing
 * about the key and is recorded failed; a 401 says the key no longer authenticates: already gone.
 */
export const revokeSendgrid: ApiKeyRevocationAdapter = async (ctx) => {
  const outcome = await ctx.send({ method: 'DELETE', url: ctx.revocationUrl, headers: { authorization: `Bearer ${ctx.credential.api_key}` }, classify: { auth: 'token' } });
  if (outcome.kind === 'ok') return { outcome: 'revoked', revokedTokens: ['api_key'] };
  if (outcome.kind === 'already_revoked') return { outcome: 'already_revoked', revokedTokens: [] };
  return { outcome: 'failed', errorCode: outcome.errorCode, errorMessage: outcome.errorMessage, providerWide: false };
};
