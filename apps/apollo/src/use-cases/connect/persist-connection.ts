import { newId } from '@at/common';
import { readCredentialState, replaceCredential, waitForLease } from '@at/lifecycle';
import type { Credential } from '@at/providers';
import type { ApolloContext } from '../../context';
import type { ConnectSessionRecord } from '../../repositories/connect-sessions';
import { insertConnectedAccount } from '../../repositories/connected-accounts';
import { storedCredentialOf } from '../credential-rules';
import type { ConnectErrorCode } from './connect-outcome';

// a refresh in flight holds the lease at most one lease long; two waits always end it
const MAX_WAITS = 2;

/**
 * The connect's result lands: a new connection, or on a reconnect the same connection with the
 * new credential, active again. A reconnect as someone else than the provider recorded at
 * connect time is refused (account_mismatch).
 */
export async function persistConnection(
  ctx: ApolloContext,
  session: ConnectSessionRecord,
  credential: Credential,
  subject: string | null,
): Promise<{ kind: 'connected'; connectedAccountId: string } | { kind: 'error'; code: ConnectErrorCode }> {
  if (session.connectedAccountId === null) {
    const id = newId('ca');
    await insertConnectedAccount(ctx.db, {
      id,
      orgId: session.orgId,
      projectId: session.projectId,
      authConfigId: session.authConfigId,
      userId: session.userId,
      providerSubject: subject,
      credential: storedCredentialOf(ctx.vault, id, credential),
    });
    return { kind: 'connected', connectedAccountId: id };
  }

  const id = session.connectedAccountId;
  const account = await ctx.db.connectedAccount.findFirst({ where: { id, projectId: session.projectId, deletedAt: null }, select: { providerSubject: true } });
  if (!account) return { kind: 'error', code: 'connection_not_found' };
  if (account.providerSubject !== null && subject !== account.providerSubject) return { kind: 'error', code: 'account_mismatch' };
  const stored = storedCredentialOf(ctx.vault, id, credential);
  for (let wait = 0; ; wait += 1) {
    const outcome = await replaceCredential(ctx.db, { connectedAccountId: id, projectId: session.projectId, ...stored });
    switch (outcome.kind) {
      case 'replaced':
        // a connection made from posted tokens learns who it belongs to at its first reconnect
        if (account.providerSubject === null && subject !== null) {
          await ctx.db.connectedAccount.updateMany({ where: { id, providerSubject: null }, data: { providerSubject: subject } });
        }
        ctx.logger.info(outcome.previousStatus === 'needs_reauth' ? 'connection recovered' : 'credential replaced', { connected_account_id: id, connect_session_id: session.id });
        return { kind: 'connected', connectedAccountId: id };
      case 'not_found':
        return { kind: 'error', code: 'connection_not_found' };
      case 'revoked':
        return { kind: 'error', code: 'connection_revoked' };
      case 'leased': {
        if (wait >= MAX_WAITS) return { kind: 'error', code: 'provider_error' };
        const state = await readCredentialState(ctx.db, id);
        if (state) await waitForLease(ctx.db, state);
      }
    }
  }
}
