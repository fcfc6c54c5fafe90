import type { PrismaClient } from '@at/db';
import { afterId } from './query-parts';

export type ApiKeyRecord = { id: string; projectId: string; createdAt: Date };

const apiKeyColumns = { id: true, projectId: true, createdAt: true } as const;

export async function insertApiKey(db: PrismaClient, input: { id: string; projectId: string; keyHash: string }): Promise<ApiKeyRecord> {
  return db.apiKey.create({ data: input, select: apiKeyColumns });
}

export async function listLiveApiKeys(db: PrismaClient, projectId: string, after: string | undefined, take: number): Promise<ApiKeyRecord[]> {
  return db.apiKey.findMany({ where: { projectId, deletedAt: null, ...afterId(after) }, orderBy: { id: 'asc' }, take, select: apiKeyColumns });
}

/** Soft delete (the authenticator ignores deleted keys); false when no live key matched. */
export async function softDeleteApiKey(db: PrismaClient, projectId: string, id: string): Promise<boolean> {
  // api_keys has no updated_at column
  const { count } = await db.apiKey.updateMany({ where: { id, projectId, deletedAt: null }, data: { deletedAt: new Date() } });
  return count === 1;
}
