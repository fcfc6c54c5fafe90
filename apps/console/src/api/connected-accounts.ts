import { api, unwrap, type Answer } from './client';

type Page = Answer<'/dashboard/v1/projects/{id}/connected_accounts', 'get', 200>;
export type ConnectedAccount = Page['items'][number];
export type ConnectionStatus = ConnectedAccount['status'];
export type RevokeNowResult = Answer<'/dashboard/v1/projects/{id}/connected_accounts/{connected_account_id}/revoke', 'post', 200>;

export const CONNECTION_STATUSES: readonly ConnectionStatus[] = ['active', 'needs_reauth', 'revoking', 'revoked'];

export type ConnectedAccountFilter = { status?: ConnectionStatus; toolkit?: string; user_id?: string };

export function listConnectedAccounts(projectId: string, filter: ConnectedAccountFilter, cursor?: string, limit = 25): Promise<Page> {
  return unwrap(
    api.GET('/dashboard/v1/projects/{id}/connected_accounts', {
      params: { path: { id: projectId }, query: { limit, ...filter, ...(cursor ? { cursor } : {}) } },
    }),
  );
}

export type ConnectionHealth = Answer<'/dashboard/v1/projects/{id}/connection_health', 'get', 200>;

/** Connection counts by status for each auth config of the project: one failing connector shows next to the working ones. */
export function getConnectionHealth(projectId: string): Promise<ConnectionHealth> {
  return unwrap(api.GET('/dashboard/v1/projects/{id}/connection_health', { params: { path: { id: projectId } } }));
}

export function revokeConnectedAccount(projectId: string, connectedAccountId: string): Promise<RevokeNowResult> {
  return unwrap(
    api.POST('/dashboard/v1/projects/{id}/connected_accounts/{connected_account_id}/revoke', {
      params: { path: { id: projectId, connected_account_id: connectedAccountId } },
    }),
  );
}
