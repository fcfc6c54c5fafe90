import { ConflictError, NotFoundError, ProviderRejectedError, ProviderUnavailableError } from '@at/common';
import { vendCredential } from '@at/lifecycle';
import type { ProjectCaller } from '../auth/authenticators';
import type { ApolloContext } from '../context';

export type VendedToken =
  | { connectedAccountId: string; authScheme: 'oauth2'; accessToken: string; tokenType: string; expiresAt: Date | null; refreshed: boolean }
  | { connectedAccountId: string; authScheme: 'api_key'; apiKey: string };

/**
 * Serves the current secret of one of the caller's connections, refreshing it at the provider
 * first when it expires within TOKEN_REFRESH_LEAD_SECONDS (single flight across all apollo
 * processes; see @at/lifecycle). A refused refresh token makes the connection needs_reauth.
 */
export async function vendToken(ctx: ApolloContext, caller: ProjectCaller, connectedAccountId: string, receivedAt: number): Promise<VendedToken> {
  // the tenancy check is part of the one read of the warm path
  const result = await vendCredential(ctx.lifecycle, connectedAccountId, { leadMs: ctx.env.TOKEN_REFRESH_LEAD_SECONDS * 1000, receivedAt, projectId: caller.projectId });
  switch (result.kind) {
    case 'ok': {
      const { credential } = result;
      if (credential.type === 'api_key') return { connectedAccountId: connectedAccountId, authScheme: 'api_key', apiKey: credential.api_key };
      return { connectedAccountId: connectedAccountId, authScheme: 'oauth2', accessToken: credential.access_token, tokenType: credential.token_type ?? 'Bearer', expiresAt: result.expiresAt, refreshed: result.refreshed };
    }
    case 'not_found':
      throw new NotFoundError('connected account');
    case 'needs_reauth':
      throw new ConflictError('needs_reauth', `the connection needs re-authorisation: the provider refused its refresh token${result.reason ? ` (${result.reason})` : ''}; reconnect the end user`);
    case 'revoked':
      throw new ConflictError('connection_revoked', 'the connection is being revoked or was revoked; its credential can no longer be served');
    case 'unavailable':
      if (result.transient) {
        throw new ProviderUnavailableError('refresh_unavailable', `the access token has expired and could not be refreshed now (${result.errorCode}); retry later`, result.retryAfterSeconds);
      }
      throw new ProviderRejectedError('refresh_failed', `the access token has expired and the provider refused to refresh it (${result.errorCode}): check the auth config`);
  }
}
