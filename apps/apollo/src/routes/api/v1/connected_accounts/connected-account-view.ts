import { z } from 'zod';
import type { ConnectedAccountRecord } from '../../../../repositories/connected-accounts';
import { iso, timestamp } from '../../../schemas';

export const CONNECTION_STATUSES = ['active', 'needs_reauth', 'revoking', 'revoked'] as const;

/** A connected account as returned: never a token or key. */
export const connectedAccountView = z.object({
  id: z.string(),
  auth_config_id: z.string(),
  user_id: z.string(),
  toolkit: z.string(),
  auth_scheme: z.enum(['oauth2', 'api_key']),
  status: z.enum(CONNECTION_STATUSES),
  status_reason: z.string().nullable().describe('why: for needs_reauth, the provider error code of the refused refresh (e.g. invalid_grant)'),
  last_refreshed_at: timestamp.nullable().describe('when a refresh last succeeded'),
  last_refresh_error_at: timestamp.nullable().describe('when a refresh last failed (transient failures included; they never change status)'),
  last_refresh_error: z.string().nullable().describe('error code of the last failed refresh'),
  created_at: timestamp,
  updated_at: timestamp,
});

export const presentConnectedAccount = (account: ConnectedAccountRecord): z.output<typeof connectedAccountView> => ({
  id: account.id,
  auth_config_id: account.authConfigId,
  user_id: account.userId,
  toolkit: account.toolkit,
  auth_scheme: account.authScheme,
  status: account.status,
  status_reason: account.statusReason,
  last_refreshed_at: account.lastRefreshedAt && iso(account.lastRefreshedAt),
  last_refresh_error_at: account.lastRefreshErrorAt && iso(account.lastRefreshErrorAt),
  last_refresh_error: account.lastRefreshError,
  created_at: iso(account.createdAt),
  updated_at: iso(account.updatedAt),
});
