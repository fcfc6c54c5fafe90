import type { Request } from 'express';
import { ForbiddenError, UnauthenticatedError } from '@at/common';
import type { DbClient } from '@at/db';
import { bearerToken } from '@at/http';
import { findApiKeyByHash } from '../repositories/api-keys';
import { findLiveConsoleSession, type ConsoleSessionRecord } from '../repositories/console-sessions';
import { findLiveOrgAdminToken } from '../repositories/org-admin-tokens';
import { CSRF_HEADER, secretsOf, sessionCookieOf } from './console-session';
import { hashSecret, secretsEqual } from './secret-tokens';
import type { RateLimiter } from './rate-limit';

export type ProjectCaller = { kind: 'project'; orgId: string; projectId: string; apiKeyId: string };
/** `orgAdminTokenId`: the token acting (a console session acts with the token it was opened with), for the audit log. */
export type OrgCaller = { kind: 'org'; orgId: string; orgAdminTokenId: string; surface: 'dashboard' | 'console' };
/** A console session: the org it acts for, and the session's own secret (to sign it out, re-derive its CSRF token). */
export type SessionCaller = OrgCaller & { session: ConsoleSessionRecord & { secret: string } };
export type AdminCaller = { kind: 'admin' };

/** Platform API: `x-api-key` of a live key of a live project of a live org. */
export function apiKeyAuth(db: DbClient, limiter: RateLimiter) {
  return async (req: Request): Promise<ProjectCaller> => {
    const key = req.header('x-api-key');
    if (!key || key.length > 256) throw new UnauthenticatedError('missing or invalid x-api-key');
    const row = await findApiKeyByHash(db, hashSecret(key));
    if (!row || !row.live || !secretsEqual(hashSecret(key), row.keyHash)) {
      throw new UnauthenticatedError('missing or invalid x-api-key');
    }
    limiter.consume(`key:${row.id}`);
    return { kind: 'project', orgId: row.orgId, projectId: row.projectId, apiKeyId: row.id };
  };
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Console session: the session cookie of a live session; a state change must also carry the
 * session's CSRF token (a cross-site page can send the cookie but cannot read the token).
 */
export function consoleSessionAuth(db: DbClient, limiter: RateLimiter) {
  return async (req: Request): Promise<SessionCaller> => {
    const secret = sessionCookieOf(req);
    if (secret === undefined) throw new UnauthenticatedError('missing or invalid console session');
    const secrets = secretsOf(secret);
    const session = await findLiveConsoleSession(db, secrets.idHash);
    if (!session) throw new UnauthenticatedError('the console session has expired or was signed out');
    if (!SAFE_METHODS.has(req.method)) {
      const csrf = req.header(CSRF_HEADER);
      if (!csrf || csrf.length > 256 || !secretsEqual(hashSecret(csrf), session.csrfTokenHash)) {
        throw new ForbiddenError('csrf_token_invalid', `a state change with the console session needs its CSRF token in ${CSRF_HEADER}`);
      }
    }
    // the session acts with its token: one rate budget for both
    limiter.consume(`org:${session.orgAdminTokenId}`);
    return { kind: 'org', orgId: session.orgId, orgAdminTokenId: session.orgAdminTokenId, surface: 'console', session: { ...session, secret } };
  };
}

/**
 * Dashboard API: `Authorization: Bearer <org admin token>`, or (when no Authorization header is
 * sent) a console session cookie, with its CSRF token on state changes.
 */
export function orgTokenAuth(db: DbClient, limiter: RateLimiter) {
  const sessionAuth = consoleSessionAuth(db, limiter);
  return async (req: Request): Promise<OrgCaller> => {
    if (req.header('authorization') === undefined && sessionCookieOf(req) !== undefined) {
      const { orgId, orgAdminTokenId } = await sessionAuth(req);
      return { kind: 'org', orgId, orgAdminTokenId, surface: 'console' };
    }
    const token = bearerToken(req);
    if (!token || token.length > 256) throw new UnauthenticatedError('missing or invalid bearer token');
    const row = await findLiveOrgAdminToken(db, hashSecret(token));
    if (!row) throw new UnauthenticatedError('missing or invalid bearer token');
    limiter.consume(`org:${row.id}`);
    return { kind: 'org', orgId: row.orgId, orgAdminTokenId: row.id, surface: 'dashboard' };
  };
}

/** Admin API: the ADMIN_TOKEN from the environment, compared in constant time. */
export function adminTokenAuth(adminToken: string) {
  return async (req: Request): Promise<AdminCaller> => {
    const token = bearerToken(req);
    if (!token || !secretsEqual(token, adminToken)) throw new UnauthenticatedError('missing or invalid admin token');
    return { kind: 'admin' };
  };
}
