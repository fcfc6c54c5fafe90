import { ConflictError, DependencyUnavailableError, NotFoundError } from '@at/common';
import { readCredentialState, replaceCredential, waitForLease } from '@at/lifecycle';
import type { Credential } from '@at/providers';
import type { ProjectCaller } from '../auth/authenticators';
import type { ApolloContext } from '../context';
import { findLiveAuthConfig } from '../repositories/auth-configs';
import { findLiveConnectedAccount, type ConnectedAccountRecord } from '../repositories/connected-accounts';
import { assertCredentialFits, storedCredentialOf } from './credential-rules';

// a refresh in flight holds the lease at most one lease long; two waits always end it
const MAX_WAITS = 2;

/**
 * Replaces the credential of a connection that is active or needs_reauth (the end user
 * reconnected), same id, and makes it active again. Waits out a refresh in flight so its
 * result is never lost under the new credential.
 */
export async function replaceCredentials(ctx: ApolloContext, caller: ProjectCaller, connectedAccountId: string, credential: Credential): Promise<ConnectedAccountRecord> {
  const account = await findLiveConnectedAccount(ctx.db, caller.projectId, connectedAccountId);
  if (!account) throw new NotFoundError('connected account');
  const authConfig = await findLiveAuthConfig(ctx.db, caller.projectId, account.authConfigId);
  if (!authConfig) throw new NotFoundError('connected account');
  assertCredentialFits(authConfig, credential, 'body');
  const stored = storedCredentialOf(ctx.vault, account.id, credential);
  for (let wait = 0; ; wait += 1) {
    const outcome = await replaceCredential(ctx.db, { connectedAccountId: account.id, projectId: caller.projectId, ...stored });
    switch (outcome.kind) {
      case 'replaced': {
        ctx.logger.info(outcome.previousStatus === 'needs_reauth' ? 'connection recovered' : 'credential replaced', { connected_account_id: account.id });
        const updated = await findLiveConnectedAccount(ctx.db, caller.projectId, account.id);
        if (!updated) throw new NotFoundError('connected account');
        return updated;
      }
      case 'not_found':
        throw new NotFoundError('connected account');
      case 'revoked':
        throw new ConflictError('connection_revoked', `the connection is ${outcome.status}: its credential cannot be replaced; connect the end user again`);
      case 'leased': {
        if (wait >= MAX_WAITS) throw new DependencyUnavailableError('credential refresh');
        const state = await readCredentialState(ctx.db, account.id);
        if (state) await waitForLease(ctx.db, state);
      }
    }
  }
}
