import type { ConnectionStatus } from '@at/db';
import type { ApolloContext } from '../context';
import { listLiveConnectedAccounts, type ConnectedAccountRecord } from '../repositories/connected-accounts';
import { keysetPage } from '../routes/paging';

export type ConnectedAccountsQuery = {
  limit: number;
  cursor?: string | undefined;
  auth_config_id?: string | undefined;
  user_id?: string | undefined;
  status?: ConnectionStatus | undefined;
  toolkit?: string | undefined;
};

/** A page of a project's live connected accounts, filtered; the cursor continues only this listing. */
export async function listConnectedAccounts<T>(
  ctx: Pick<ApolloContext, 'db' | 'cursors'>,
  projectId: string,
  query: ConnectedAccountsQuery,
  present: (account: ConnectedAccountRecord) => T,
): Promise<{ items: T[]; next_cursor: string | null }> {
  const filter = { projectId, authConfigId: query.auth_config_id, userId: query.user_id, status: query.status, toolkit: query.toolkit };
  return keysetPage({
    cursors: ctx.cursors,
    // the filter is part of the binding: a cursor only continues the listing that issued it
    binding: `${projectId}:connected_accounts:${JSON.stringify([filter.authConfigId, filter.userId, filter.status, filter.toolkit])}`,
    limit: query.limit,
    cursor: query.cursor,
    fetch: (after, take) => listLiveConnectedAccounts(ctx.db, filter, after, take),
    present,
  });
}
