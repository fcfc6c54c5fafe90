import type { ConnectSessionStatus, PrismaClient } from '@at/db';
import type { SealedBox } from '@at/vault';

export type ConnectSessionRecord = {
  id: string;
  orgId: string;
  projectId: string;
  authConfigId: string;
  userId: string;
  redirectUri: string;
  connectedAccountId: string | null;
  status: ConnectSessionStatus;
  errorCode: string | null;
  resultConnectedAccountId: string | null;
  bindingHash: string | null;
  csrfHash: string | null;
  codeVerifierSealed: unknown;
  createdAt: Date;
  updatedAt: Date;
  expiresAt: Date;
};

const columns = {
  id: true,
  orgId: true,
  projectId: true,
  authConfigId: true,
  userId: true,
  redirectUri: true,
  connectedAccountId: true,
  status: true,
  errorCode: true,
  resultConnectedAccountId: true,
  bindingHash: true,
  csrfHash: true,
  codeVerifierSealed: true,
  createdAt: true,
  updatedAt: true,
  expiresAt: true,
} as const;

export type NewConnectSession = {
  id: string;
  orgId: string;
  projectId: string;
  authConfigId: string;
  userId: string;
  redirectUri: string;
  connectedAccountId: string | null;
  tokenHash: string;
  ttlSeconds: number;
};

/** The expiry is the database's clock plus the TTL, like every other timestamp. */
export async function insertConnectSession(db: PrismaClient, input: NewConnectSession): Promise<ConnectSessionRecord> {
  const { ttlSeconds, ...row } = input;
  await db.$executeRaw`
    INSERT INTO connect_sessions (id, org_id, project_id, auth_config_id, user_id, redirect_uri, connected_account_id, token_hash, expires_at)
    VALUES (${row.id}, ${row.orgId}, ${row.projectId}, ${row.authConfigId}, ${row.userId}, ${row.redirectUri}, ${row.connectedAccountId}, ${row.tokenHash},
            clock_timestamp() + make_interval(secs => ${ttlSeconds}))`;
  return db.connectSession.findUniqueOrThrow({ where: { id: row.id }, select: columns });
}

export async function findConnectSession(db: PrismaClient, projectId: string, id: string): Promise<ConnectSessionRecord | null> {
  return db.connectSession.findFirst({ where: { id, projectId }, select: columns });
}

export async function findConnectSessionByToken(db: PrismaClient, tokenHash: string): Promise<ConnectSessionRecord | null> {
  return db.connectSession.findUnique({ where: { tokenHash }, select: columns });
}

export async function findConnectSessionByState(db: PrismaClient, stateHash: string): Promise<ConnectSessionRecord | null> {
  return db.connectSession.findUnique({ where: { stateHash }, select: columns });
}

/**
 * pending -> authorizing, once: the link is opened, its state, browser binding and sealed PKCE
 * verifier are recorded. False when the link was already opened, or has expired.
 */
export async function claimForAuthorization(
  db: PrismaClient,
  id: string,
  secrets: { stateHash: string; bindingHash: string; codeVerifierSealed: SealedBox },
): Promise<boolean> {
  const count = await db.$executeRaw`
    UPDATE connect_sessions SET status = 'authorizing', state_hash = ${secrets.stateHash}, binding_hash = ${secrets.bindingHash},
      code_verifier_sealed = ${JSON.stringify(secrets.codeVerifierSealed)}::jsonb, updated_at = clock_timestamp()
    WHERE id = ${id} AND status = 'pending' AND expires_at > clock_timestamp()`;
  return count === 1;
}

/** pending -> authorizing for the api-key form: its CSRF token and browser binding. */
export async function claimForApiKeyForm(db: PrismaClient, id: string, secrets: { csrfHash: string; bindingHash: string }): Promise<boolean> {
  const count = await db.$executeRaw`
    UPDATE connect_sessions SET status = 'authorizing', csrf_hash = ${secrets.csrfHash}, binding_hash = ${secrets.bindingHash}, updated_at = clock_timestamp()
    WHERE id = ${id} AND status = 'pending' AND expires_at > clock_timestamp()`;
  return count === 1;
}

/**
 * authorizing -> in_progress, exactly once: the callback (or the form's submission) owns the
 * session from here. False when another request claimed it first, or it expired.
 */
export async function claimForCompletion(db: PrismaClient, id: string): Promise<boolean> {
  const count = await db.$executeRaw`
    UPDATE connect_sessions SET status = 'in_progress', updated_at = clock_timestamp()
    WHERE id = ${id} AND status = 'authorizing' AND expires_at > clock_timestamp()`;
  return count === 1;
}

/** in_progress -> completed; the secret parts are dropped, so nothing in the row can be used again. */
export async function completeConnectSession(db: PrismaClient, id: string, connectedAccountId: string): Promise<void> {
  await db.$executeRaw`
    UPDATE connect_sessions SET status = 'completed', result_connected_account_id = ${connectedAccountId}, state_hash = NULL, code_verifier_sealed = NULL,
      csrf_hash = NULL, updated_at = clock_timestamp()
    WHERE id = ${id} AND status = 'in_progress'`;
}

/** Any live state -> failed with its code (never from completed). */
export async function failConnectSession(db: PrismaClient, id: string, errorCode: string): Promise<void> {
  await db.$executeRaw`
    UPDATE connect_sessions SET status = 'failed', error_code = ${errorCode}, state_hash = NULL, code_verifier_sealed = NULL, csrf_hash = NULL, updated_at = clock_timestamp()
    WHERE id = ${id} AND status IN ('pending', 'authorizing', 'in_progress')`;
}
