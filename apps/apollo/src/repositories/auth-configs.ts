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
  /** Per-tenant values filling the toolkit's catalog endpoint placeholders (okta_domain, shop, subdomain ...). */
  parameters: Record<string, string> | null;
  createdAt: Date;
  updatedAt: Date;
} & AuthorizationSide;

/** How end users are sent to consent (hosted connect); all null/empty for an api_key config. */
export type AuthorizationSide = {
  issuer: string | null;
  authorizationEndpoint: string | null;
  parEndpoint: string | null;
  userinfoEndpoint: string | null;
  issParameterSupported: boolean;
  scopes: string[];
  authorizeParams: Record<string, string> | null;
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
  issuer: true,
  authorizationEndpoint: true,
  parEndpoint: true,
  userinfoEndpoint: true,
  issParameterSupported: true,
  scopes: true,
  authorizeParams: true,
  parameters: true,
  createdAt: true,
  updatedAt: true,
} as const;

type Row = Omit<AuthConfigRecord, 'hasClientSecret' | 'authorizeParams' | 'parameters'> & { clientSecretSealed: unknown; authorizeParams: unknown; parameters: unknown };

function toRecord({ clientSecretSealed, authorizeParams, parameters, ...row }: Row): AuthConfigRecord {
  return {
    ...row,
    authorizeParams: (authorizeParams ?? null) as Record<string, string> | null,
    parameters: (parameters ?? null) as Record<string, string> | null,
    hasClientSecret: clientSecretSealed !== null,
  };
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
  parameters: Record<string, string> | null;
} & AuthorizationSide;

export async function insertAuthConfig(db: DbClient, input: NewAuthConfig): Promise<AuthConfigRecord> {
  const { clientSecretSealed, authorizeParams, parameters, ...rest } = input;
  const row = await db.authConfig.create({
    data: {
      ...rest,
      ...(clientSecretSealed === null ? {} : { clientSecretSealed }),
      ...(authorizeParams === null ? {} : { authorizeParams }),
      ...(parameters === null ? {} : { parameters }),
    },
    select: authConfigColumns,
  });
  return toRecord(row);
}

export async function findLiveAuthConfig(db: DbClient, projectId: string, id: string): Promise<AuthConfigRecord | null> {
  const row = await db.authConfig.findFirst({ where: { id, projectId, deletedAt: null }, select: authConfigColumns });
  return row && toRecord(row);
}

/** The live auth configs of a project among `ids`. */
export async function findLiveAuthConfigs(db: DbClient, projectId: string, ids: string[]): Promise<AuthConfigRecord[]> {
  const rows = await db.authConfig.findMany({ where: { id: { in: ids }, projectId, deletedAt: null }, select: authConfigColumns });
  return rows.map(toRecord);
}

/**
 * Of `ids`, the auth configs still live, locked FOR SHARE until the caller's transaction ends: a
 * deletion (an UPDATE of the row) waits, so it then sees, and emits the events of, what was
 * connected under them meanwhile.
 */
export async function lockLiveAuthConfigs(tx: DbClient, ids: string[]): Promise<Set<string>> {
  const rows = await tx.$queryRaw<Array<{ id: string }>>`SELECT id FROM auth_configs WHERE id = ANY(${ids}::text[]) AND deleted_at IS NULL ORDER BY id FOR SHARE`;
  return new Set(rows.map((row) => row.id));
}

export async function listLiveAuthConfigs(db: DbClient, projectId: string, after: string | undefined, take: number): Promise<AuthConfigRecord[]> {
  const rows = await db.authConfig.findMany({ where: { projectId, deletedAt: null, ...afterId(after) }, orderBy: { id: 'asc' }, take, select: authConfigColumns });
  return rows.map(toRecord);
}

export async function softDeleteAuthConfig(db: DbClient, projectId: string, id: string): Promise<boolean> {
  const { count } = await db.authConfig.updateMany({ where: { id, projectId, deletedAt: null }, data: deletedNow() });
  return count === 1;
}

/** The sealed client secret, for the one flow that must send it (the code exchange, PAR). */
export async function findClientSecretSealed(db: DbClient, id: string): Promise<unknown> {
  const row = await db.authConfig.findUnique({ where: { id }, select: { clientSecretSealed: true } });
  return row?.clientSecretSealed ?? null;
}
