import { newId } from '@at/common';
import { insertEvent, transaction, type AuthScheme, type ConnectionStatus, type DbClient } from '@at/db';
import type { SealedBox } from '@at/vault';
import { afterId, deletedNow } from './query-parts';

export type ConnectedAccountRecord = {
  id: string;
  orgId: string;
  projectId: string;
  authConfigId: string;
  userId: string;
  toolkit: string;
  authScheme: AuthScheme;
  status: ConnectionStatus;
  statusReason: string | null;
  lastRefreshedAt: Date | null;
  lastRefreshErrorAt: Date | null;
  lastRefreshError: string | null;
  createdAt: Date;
  updatedAt: Date;
};

const connectedAccountColumns = {
  id: true,
  orgId: true,
  projectId: true,
  authConfigId: true,
  userId: true,
  status: true,
  statusReason: true,
  lastRefreshedAt: true,
  lastRefreshErrorAt: true,
  lastRefreshError: true,
  createdAt: true,
  updatedAt: true,
  authConfig: { select: { toolkit: true, authScheme: true } },
} as const;

type Row = Omit<ConnectedAccountRecord, 'toolkit' | 'authScheme'> & { authConfig: { toolkit: string; authScheme: AuthScheme } };

function toRecord({ authConfig, ...row }: Row): ConnectedAccountRecord {
  return { ...row, toolkit: authConfig.toolkit, authScheme: authConfig.authScheme };
}

export type NewConnectedAccount = {
  id: string;
  orgId: string;
  projectId: string;
  authConfigId: string;
  userId: string;
  /** Who the provider says the end user is (OIDC sub), when the connect learned it. */
  providerSubject?: string | null;
  /** `refreshable`: it holds a refresh token and an expiry, so refresh ahead looks at it. */
  credential: { sealed: SealedBox; expiresAt: Date | null; refreshable: boolean };
};

/**
 * Inserts the account and its sealed credential (one nested write) with its
 * `connected_account.created` event, in one transaction (the caller's, if it is in one): every
 * way a connection is made (the API, a hosted connect) emits the event.
 */
export async function insertConnectedAccount(db: DbClient, input: NewConnectedAccount): Promise<ConnectedAccountRecord> {
  const { credential, ...account } = input;
  return transaction(db, async (tx) => {
    const row = await tx.connectedAccount.create({
      data: { ...account, credential: { create: { sealed: credential.sealed, expiresAt: credential.expiresAt, refreshable: credential.refreshable } } },
      select: connectedAccountColumns,
    });
    const record = toRecord(row);
    await insertEvent(tx, {
      orgId: record.orgId,
      projectId: record.projectId,
      connectedAccountId: record.id,
      type: 'connected_account.created',
      data: { connected_account_id: record.id, project_id: record.projectId, auth_config_id: record.authConfigId, user_id: record.userId, toolkit: record.toolkit },
    });
    return record;
  });
}

/** An account of a bulk import, with what its event names (the auth config's toolkit). */
export type ImportedAccount = Omit<NewConnectedAccount, 'providerSubject'> & { toolkit: string };

/**
 * Inserts many accounts, their sealed credentials and their `connected_account.created` events
 * (in the order given) in three set-based statements, in the caller's transaction: what
 * insertConnectedAccount writes for one, at a thousand times fewer round trips. The rows go as
 * one JSON text per statement (json_to_recordset): a parameter array of a thousand values costs
 * the driver layers a conversion per element, a text costs them one.
 */
export async function insertConnectedAccounts(tx: DbClient, accounts: ImportedAccount[], at: Date): Promise<void> {
  if (accounts.length === 0) return;
  const rows = JSON.stringify(
    accounts.map((a) => ({ id: a.id, org_id: a.orgId, project_id: a.projectId, auth_config_id: a.authConfigId, user_id: a.userId })),
  );
  await tx.$executeRaw`
    INSERT INTO connected_accounts (id, org_id, project_id, auth_config_id, user_id, created_at, updated_at)
    SELECT u.id, u.org_id, u.project_id, u.auth_config_id, u.user_id, ${at}, ${at}
    FROM json_to_recordset(${rows}::json) AS u(id text, org_id text, project_id text, auth_config_id text, user_id text)`;
  const credentials = JSON.stringify(
    accounts.map((a) => ({ id: a.id, sealed: a.credential.sealed, expires_at: a.credential.expiresAt, refreshable: a.credential.refreshable })),
  );
  await tx.$executeRaw`
    INSERT INTO credentials (connected_account_id, sealed, expires_at, refreshable, created_at, updated_at)
    SELECT u.id, u.sealed, u.expires_at, u.refreshable, ${at}, ${at}
    FROM json_to_recordset(${credentials}::json) AS u(id text, sealed jsonb, expires_at timestamptz, refreshable boolean)`;
  const events = JSON.stringify(
    accounts.map((a) => ({
      event_id: newId('evt'),
      org_id: a.orgId,
      project_id: a.projectId,
      id: a.id,
      data: { connected_account_id: a.id, project_id: a.projectId, auth_config_id: a.authConfigId, user_id: a.userId, toolkit: a.toolkit },
    })),
  );
  await tx.$executeRaw`
    INSERT INTO events (id, org_id, project_id, connected_account_id, type, data, created_at)
    SELECT u.event_id, u.org_id, u.project_id, u.id, 'connected_account.created', u.data, ${at}
    FROM ROWS FROM (json_to_recordset(${events}::json) AS (event_id text, org_id text, project_id text, id text, data jsonb)) WITH ORDINALITY
      AS u(event_id, org_id, project_id, id, data, n)
    ORDER BY u.n`;
}

export async function findLiveConnectedAccount(db: DbClient, projectId: string, id: string): Promise<ConnectedAccountRecord | null> {
  const row = await db.connectedAccount.findFirst({ where: { id, projectId, deletedAt: null }, select: connectedAccountColumns });
  return row && toRecord(row);
}

export type ConnectedAccountFilter = {
  projectId: string;
  authConfigId?: string | undefined;
  userId?: string | undefined;
  status?: ConnectionStatus | undefined;
  toolkit?: string | undefined;
};

export async function listLiveConnectedAccounts(
  db: DbClient,
  filter: ConnectedAccountFilter,
  after: string | undefined,
  take: number,
): Promise<ConnectedAccountRecord[]> {
  const rows = await db.connectedAccount.findMany({
    where: {
      projectId: filter.projectId,
      deletedAt: null,
      ...(filter.authConfigId === undefined ? {} : { authConfigId: filter.authConfigId }),
      ...(filter.userId === undefined ? {} : { userId: filter.userId }),
      ...(filter.status === undefined ? {} : { status: filter.status }),
      ...(filter.toolkit === undefined ? {} : { authConfig: { toolkit: filter.toolkit } }),
      ...afterId(after),
    },
    orderBy: { id: 'asc' },
    take,
    select: connectedAccountColumns,
  });
  return rows.map(toRecord);
}

export async function softDeleteConnectedAccount(db: DbClient, projectId: string, id: string): Promise<boolean> {
  const { count } = await db.connectedAccount.updateMany({ where: { id, projectId, deletedAt: null }, data: deletedNow() });
  return count === 1;
}

/** The status of a connection, whatever its liveness; null when there is no such row. */
export async function connectionStatusOf(db: DbClient, id: string): Promise<ConnectionStatus | null> {
  const row = await db.connectedAccount.findUnique({ where: { id }, select: { status: true } });
  return row?.status ?? null;
}
