import type { DbClient } from '@at/db';
import { afterId, deletedNow } from './query-parts';

export type ProjectRecord = { id: string; orgId: string; name: string; allowedRedirectUris: string[]; createdAt: Date; updatedAt: Date };

const projectColumns = { id: true, orgId: true, name: true, allowedRedirectUris: true, createdAt: true, updatedAt: true } as const;

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

/** Changes the given fields of a live project; null when there was none of that org. */
export async function updateLiveProject(db: DbClient, orgId: string, id: string, changes: { name?: string; allowedRedirectUris?: string[] }): Promise<ProjectRecord | null> {
  const { count } = await db.project.updateMany({ where: { id, orgId, deletedAt: null }, data: { ...changes, updatedAt: new Date() } });
  return count === 1 ? findLiveProject(db, orgId, id) : null;
}

/** Whether `uri` is one of the live project's allowed redirect URIs, compared as exact strings. */
export async function isAllowedRedirectUri(db: DbClient, projectId: string, uri: string): Promise<boolean> {
  const count = await db.project.count({ where: { id: projectId, deletedAt: null, allowedRedirectUris: { has: uri } } });
  return count === 1;
}

/** Whether the project and its org are both undeleted (a connection made under it is live). */
export async function isLiveProject(db: DbClient, projectId: string): Promise<boolean> {
  return (await db.project.count({ where: { id: projectId, deletedAt: null, org: { deletedAt: null } } })) === 1;
}
