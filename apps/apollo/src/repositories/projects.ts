import type { DbClient } from '@at/db';
import { afterId, deletedNow } from './query-parts';

export type ProjectRecord = { id: string; orgId: string; name: string; createdAt: Date; updatedAt: Date };

const projectColumns = { id: true, orgId: true, name: true, createdAt: true, updatedAt: true } as const;

/** Creates a project together with its first API key (stored hashed). */
export async function insertProjectWithApiKey(
  db: DbClient,
  input: { id: string; orgId: string; name: string; apiKey: { id: string; keyHash: string } },
): Promise<ProjectRecord> {
  return db.project.create({
    data: { id: input.id, orgId: input.orgId, name: input.name, apiKeys: { create: { id: input.apiKey.id, keyHash: input.apiKey.keyHash } } },
    select: projectColumns,
  });
}

export async function findLiveProject(db: DbClient, orgId: string, id: string): Promise<ProjectRecord | null> {
  return db.project.findFirst({ where: { id, orgId, deletedAt: null }, select: projectColumns });
}

export async function listLiveProjects(db: DbClient, orgId: string, after: string | undefined, take: number): Promise<ProjectRecord[]> {
  return db.project.findMany({ where: { orgId, deletedAt: null, ...afterId(after) }, orderBy: { id: 'asc' }, take, select: projectColumns });
}

/** Soft delete; false when there was no live project of that org to delete. */
export async function softDeleteProject(db: DbClient, orgId: string, id: string): Promise<boolean> {
  const { count } = await db.project.updateMany({ where: { id, orgId, deletedAt: null }, data: deletedNow() });
  return count === 1;
}
