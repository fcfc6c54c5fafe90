import { z } from 'zod';
import type { ConnectSessionRecord } from '../../../../repositories/connect-sessions';
import { iso, timestamp } from '../../../schemas';

export const CONNECT_SESSION_STATUSES = ['pending', 'completed', 'failed', 'expired'] as const;

export const connectSessionView = z.object({
  id: z.string(),
  status: z.enum(CONNECT_SESSION_STATUSES).describe('pending until the end user finishes; expired once expires_at passed unfinished'),
  auth_config_id: z.string(),
  user_id: z.string(),
  redirect_uri: z.string(),
  connected_account_id: z.string().nullable().describe('the connection created or reconnected (when completed); on a reconnect, the connection to reconnect'),
  reconnect: z.boolean(),
  error: z.string().nullable().describe('why it failed: access_denied, provider_error, issuer_mismatch, token_exchange_failed, account_mismatch, connection_revoked, ...'),
  expires_at: timestamp,
  created_at: timestamp,
  updated_at: timestamp,
});

/** What the API shows: the stored state, with an unfinished session past its expiry as expired. */
export function publicStatusOf(session: Pick<ConnectSessionRecord, 'status' | 'expiresAt'>, now = new Date()): (typeof CONNECT_SESSION_STATUSES)[number] {
  if (session.status === 'completed' || session.status === 'failed') return session.status;
  return session.expiresAt.getTime() <= now.getTime() ? 'expired' : 'pending';
}

export const presentConnectSession = (session: ConnectSessionRecord): z.output<typeof connectSessionView> => ({
  id: session.id,
  status: publicStatusOf(session),
  auth_config_id: session.authConfigId,
  user_id: session.userId,
  redirect_uri: session.redirectUri,
  connected_account_id: session.resultConnectedAccountId ?? session.connectedAccountId,
  reconnect: session.connectedAccountId !== null,
  error: session.status === 'failed' ? session.errorCode : null,
  expires_at: iso(session.expiresAt),
  created_at: iso(session.createdAt),
  updated_at: iso(session.updatedAt),
});
