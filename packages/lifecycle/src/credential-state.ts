import { Prisma, type ConnectionStatus, type PrismaClient } from '@at/db';
import type { TokenEndpointAuthMethod } from '@at/providers';

/** A client or transaction: every statement here is one round trip and composes in a transaction. */
export type DbClient = Pick<PrismaClient, '$queryRaw' | '$executeRaw'>;

/** Everything a vend or a refresh decides on, read in one statement, with the database's clock. */
export type CredentialState = {
  connectedAccountId: string;
  orgId: string;
  projectId: string;
  authConfigId: string;
  status: ConnectionStatus;
  statusReason: string | null;
  lastRefreshedAt: Date | null;
  lastRefreshErrorAt: Date | null;
  lastRefreshError: string | null;
  /** The sealed credential; null once crypto-shredded (or if none was ever stored). */
  sealed: unknown;
  version: number;
  expiresAt: Date | null;
  /** When a refresh of ours issued the stored access token (null: unknown). */
  issuedAt: Date | null;
  leaseOwner: string | null;
  leaseUntil: Date | null;
  refreshRetryAt: Date | null;
  authConfig: {
    toolkit: string;
    authScheme: 'oauth2' | 'api_key';
    clientId: string | null;
    clientSecretSealed: unknown;
    revocationEndpoint: string | null;
    tokenEndpoint: string | null;
    tokenEndpointAuthMethod: TokenEndpointAuthMethod;
    /** Per-tenant values filling the catalog token endpoint's placeholders. */
    parameters: Record<string, string> | null;
  };
  /** The database clock when this was read: times are compared on one clock, whatever the host's. */
  dbNow: Date;
};

type Row = {
  id: string;
  org_id: string;
  project_id: string;
  auth_config_id: string;
  status: ConnectionStatus;
  status_reason: string | null;
  last_refreshed_at: Date | null;
  last_refresh_error_at: Date | null;
  last_refresh_error: string | null;
  sealed: unknown;
  version: number | null;
  expires_at: Date | null;
  issued_at: Date | null;
  refresh_lease_owner: string | null;
  refresh_lease_until: Date | null;
  refresh_retry_at: Date | null;
  toolkit: string;
  auth_scheme: 'oauth2' | 'api_key';
  client_id: string | null;
  client_secret_sealed: unknown;
  revocation_endpoint: string | null;
  token_endpoint: string | null;
  token_endpoint_auth_method: TokenEndpointAuthMethod;
  parameters: Record<string, string> | null;
  db_now: Date;
};

/**
 * One indexed read of a connection, its credential and its auth config; null when there is no
 * such connection (with `projectId`: no such undeleted connection in that project, so a vend's
 * tenancy check is the same read).
 */
export async function readCredentialState(db: DbClient, connectedAccountId: string, projectId?: string): Promise<CredentialState | null> {
  const rows = await db.$queryRaw<Row[]>`
    SELECT ca.id, ca.org_id, ca.project_id, ca.auth_config_id, ca.status, ca.status_reason, ca.last_refreshed_at, ca.last_refresh_error_at,
           ca.last_refresh_error, c.sealed, c.version, c.expires_at, c.issued_at, c.refresh_lease_owner, c.refresh_lease_until, c.refresh_retry_at,
           ac.toolkit, ac.auth_scheme::text AS auth_scheme, ac.client_id, ac.client_secret_sealed, ac.revocation_endpoint, ac.token_endpoint,
           ac.token_endpoint_auth_method::text AS token_endpoint_auth_method, ac.parameters, clock_timestamp() AS db_now
    FROM connected_accounts ca
    JOIN auth_configs ac ON ac.id = ca.auth_config_id
    LEFT JOIN credentials c ON c.connected_account_id = ca.id
    WHERE ca.id = ${connectedAccountId}${projectId === undefined ? Prisma.empty : Prisma.sql` AND ca.project_id = ${projectId} AND ca.deleted_at IS NULL`}`;
  const row = rows[0];
  if (!row) return null;
  return {
    connectedAccountId: row.id,
    orgId: row.org_id,
    projectId: row.project_id,
    authConfigId: row.auth_config_id,
    status: row.status,
    statusReason: row.status_reason,
    lastRefreshedAt: row.last_refreshed_at,
    lastRefreshErrorAt: row.last_refresh_error_at,
    lastRefreshError: row.last_refresh_error,
    sealed: row.sealed ?? null,
    version: row.version ?? 0,
    expiresAt: row.expires_at,
    issuedAt: row.issued_at,
    leaseOwner: row.refresh_lease_owner,
    leaseUntil: row.refresh_lease_until,
    refreshRetryAt: row.refresh_retry_at,
    authConfig: {
      toolkit: row.toolkit,
      authScheme: row.auth_scheme,
      clientId: row.client_id,
      clientSecretSealed: row.client_secret_sealed ?? null,
      revocationEndpoint: row.revocation_endpoint,
      tokenEndpoint: row.token_endpoint,
      tokenEndpointAuthMethod: row.token_endpoint_auth_method,
      parameters: row.parameters ?? null,
    },
    dbNow: row.db_now,
  };
}

/** Whether someone holds the refresh lease right now (a lapsed lease is nobody's). */
export const leaseHeld = (state: Pick<CredentialState, 'leaseUntil' | 'dbNow'>): boolean => state.leaseUntil !== null && state.leaseUntil > state.dbNow;
