import { unwrap, type Answer, type ApolloClient } from './client';

export type ConnectLink = Answer<'/dashboard/v1/projects/{id}/connect_sessions', 'post', 201>;
export type ConnectLinkInput = { authConfigId: string; userId: string; redirectUri: string; connectedAccountId?: string | undefined };

export function createConnectLink(api: ApolloClient, projectId: string, input: ConnectLinkInput): Promise<ConnectLink> {
  return unwrap(
    api.POST('/dashboard/v1/projects/{id}/connect_sessions', {
      params: { path: { id: projectId } },
      body: {
        auth_config_id: input.authConfigId,
        user_id: input.userId,
        redirect_uri: input.redirectUri,
        ...(input.connectedAccountId ? { connected_account_id: input.connectedAccountId } : {}),
      },
    }),
  );
}
