import type { AuthScheme, DbClient, TokenEndpointAuthMethod } from '@at/db';
import type { SealedBox } from '@at/vault';
import { afterId, deletedNow } from './query-parts';

/** An auth config as the API sees it: whether a secret is set, never the sealed secret itself. */
export type AuthConfigRecord = {
  id: string;
  orgId: string;
  projectId: string;
  toolkit: string;
  authScheme: AuthScheme;
  clientId: string | null;
  hasClientSecret: boolean;
  revocationEndpoint: string | null;
  tokenEndpoint: string | null;
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  createdAt: Date;
  updatedAt: Date;
};

const authConfigColumns = {
  id: true,
  orgId: true,
  projectId: true,
  toolkit: true,
  authScheme: true,
  clientId: true,
  clientSecretSealed: true,
  revocationEndpoint: true,
  tokenEndpoint: true,
  tokenEndpointAuthMethod: true,
  createdAt: true,
  updatedAt: true,
} as const;

type Row = Omit<AuthConfigRecord, 'hasClientSecret'> & { clientSecretSealed: unknown };

function toRecord({ clientSecretSealed, ...row }: Row): AuthConfigRecord {
  return { ...row, hasClientSecret: clientSecretSealed !== null };
}

export type NewAuthConfig = {
  id: string;
  orgId: string;
  projectId: string;
  toolkit: string;
  authScheme: AuthScheme;
  clientId: string | null;
  clientSecretSealed: SealedBox | null;
  revocationEndpoint: string | null;
  tokenEndpoint: string | null;
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
};

export async function insertAuthConfig(db: DbClient, input: NewAuthConfig): Promise<AuthConfigRecord> {
  const { clientSecretSealed, ...rest } = input;
  const row = await db.authConfig.create({
    data: { ...rest, ...(clientSecretSealed === null ? {} : { clientSecretSealed }) },
    select: authConfigColumns,
  });
  return toRecord(row);
}

export async function findLiveAuthConfig(db: DbClient, projectId: string, id: string): Promise<AuthConfigRecord | null> {
  const row = await db.authConfig.findFirst({ where: { id, projectId, deletedAt: null }, select: authConfigColumns });
  return row && toRecord(row);
}

export async function listLiveAuthConfigs(db: DbClient, projectId: string, after: string | undefined, take: number): Promise<AuthConfigRecord[]> {
  const rows = await db.authConfig.findMany({ where: { projectId, deletedAt: null, ...afterId(after) }, orderBy: { id: 'asc' }, take, select: authConfigColumns });
  return rows.map(toRecord);
}

export async function softDeleteAuthConfig(db: DbClient, projectId: string, id: string): Promise<boolean> {
  const { count } = await db.authConfig.updateMany({ where: { id, projectId, deletedAt: null }, data: deletedNow() });
  return count === 1;
}
