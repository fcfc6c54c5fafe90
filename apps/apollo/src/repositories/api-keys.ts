import type { DbClient } from '@at/db';
import { afterId } from './query-parts';

export type ApiKeyRecord = { id: string; projectId: string; createdAt: Date };

const apiKeyColumns = { id: true, projectId: true, createdAt: true } as const;

export async function insertApiKey(db: DbClient, input: { id: string; projectId: string; keyHash: string }): Promise<ApiKeyRecord> {
  return db.apiKey.create({ data: input, select: apiKeyColumns });
}

export async function listLiveApiKeys(db: DbClient, projectId: string, after: string | undefined, take: number): Promise<ApiKeyRecord[]> {
  return db.apiKey.findMany({ where: { projectId, deletedAt: null, ...afterId(after) }, orderBy: { id: 'asc' }, take, select: apiKeyColumns });
}

/** Soft delete (the authenticator ignores deleted keys); false when no live key matched. */
export async function softDeleteApiKey(db: DbClient, projectId: string, id: string): Promise<boolean> {
  // api_keys has no updated_at column
  const { count } = await db.apiKey.updateMany({ where: { id, projectId, deletedAt: null }, data: { deletedAt: new Date() } });
  return count === 1;
}

/** The key with this hash and whether it, its project or its org is deleted (API-key authentication). */
export async function findApiKeyByHash(db: DbClient, keyHash: string): Promise<{ id: string; keyHash: string; projectId: string; orgId: string; live: boolean } | null> {
  const row = await db.apiKey.findUnique({
    where: { keyHash },
    select: { id: true, keyHash: true, projectId: true, deletedAt: true, project: { select: { orgId: true, deletedAt: true, org: { select: { deletedAt: true } } } } },
  });
  return row && { id: row.id, keyHash: row.keyHash, projectId: row.projectId, orgId: row.project.orgId, live: !row.deletedAt && !row.project.deletedAt && !row.project.org.deletedAt };
}
