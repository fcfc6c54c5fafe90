import { unwrap, type Answer, type ApolloClient } from './client';

export type ConnectionHealth = Answer<'/dashboard/v1/projects/{id}/connection_health', 'get', 200>;

export function getConnectionHealth(api: ApolloClient, projectId: string, userId: string | undefined): Promise<ConnectionHealth> {
  return unwrap(api.GET('/dashboard/v1/projects/{id}/connection_health', { params: { path: { id: projectId }, query: userId === undefined ? {} : { user_id: userId } } }));
}
