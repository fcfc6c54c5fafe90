import type { Request } from 'express';
import { UnauthenticatedError } from '@at/common';
import type { DbClient } from '@at/db';
import { bearerToken } from '@at/http';
import { findApiKeyByHash } from '../repositories/api-keys';
import { findOrgAdminTokenByHash } from '../repositories/orgs';
import { hashSecret, secretsEqual } from './secret-tokens';
import type { RateLimiter } from './rate-limit';

export type ProjectCaller = { kind: 'project'; orgId: string; projectId: string; apiKeyId: string };
export type OrgCaller = { kind: 'org'; orgId: string };
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

/** Dashboard API: `Authorization: Bearer <org admin token>`. */
export function orgTokenAuth(db: DbClient, limiter: RateLimiter) {
  return async (req: Request): Promise<OrgCaller> => {
    const token = bearerToken(req);
    if (!token || token.length > 256) throw new UnauthenticatedError('missing or invalid bearer token');
    const row = await findOrgAdminTokenByHash(db, hashSecret(token));
    if (!row || !row.live || !secretsEqual(hashSecret(token), row.tokenHash)) {
      throw new UnauthenticatedError('missing or invalid bearer token');
    }
    limiter.consume(`org:${row.id}`);
    return { kind: 'org', orgId: row.orgId };
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
