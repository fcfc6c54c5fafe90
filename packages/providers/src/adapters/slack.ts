import type { TokenKind } from '../types';
import type { RevocationAdapter } from './adapter';
import { FORM } from './client-auth';
import { revokeWithOwnToken } from './token-auth';

/**
 * auth.revoke revokes the token that authenticates the call, and says so: success is
 * `{"ok":true,"revoked":true}` (https://api.slack.com/methods/auth.revoke); `revoked:false`
 * (test mode, or nothing was revoked) is not a revocation. Its `invalid_auth` error also means
 * "the request originates from an IP address disallowed from making the request", so it proves
 * nothing about the token and is recorded as a failure (classify.ts). With token rotation a
 * refresh spends the stored refresh token (Slack revokes it on use), so it died too.
 */
export const revokeSlack: RevocationAdapter = (ctx) =>
  revokeWithOwnToken(ctx, {
    revokeCall: (accessToken) => ({
      method: 'POST',
      url: ctx.revocationUrl,
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': FORM },
      body: '',
      classify: { auth: 'token' },
    }),
    killed: (refreshed): TokenKind[] => (refreshed ? ['access', 'refresh'] : ['access']),
    unconfirmed: (body) => (typeof body === 'object' && body !== null && (body as { revoked?: unknown }).revoked === true ? null : 'Slack answered ok without revoked:true; the token may still be live'),
  });
