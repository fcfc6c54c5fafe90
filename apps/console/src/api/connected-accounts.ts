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

/** Whether any connection of the project needs its user to reconnect (one indexed read). */
export async function anyNeedsReauth(projectId: string): Promise<boolean> {
  const page = await listConnectedAccounts(projectId, { status: 'needs_reauth' }, undefined, 1);
  return page.items.length > 0;
}

export function revokeConnectedAccount(projectId: string, connectedAccountId: string): Promise<RevokeNowResult> {
  return unwrap(
    api.POST('/dashboard/v1/projects/{id}/connected_accounts/{connected_account_id}/revoke', {
      params: { path: { id: projectId, connected_account_id: connectedAccountId } },
    }),
  );
}
