import { NotFoundError } from '@at/common';
import type { PrismaClient } from '@at/db';
import { findLiveProject } from '../../repositories/projects';
import type { JobOwner } from './owner';

/**
 * The org admin acting for one of its projects: the owner of that project's jobs (pj_, the ones
 * its API keys created). A project not the org's, or deleted, is a 404.
 */
export async function projectOwnerFor(db: PrismaClient, orgId: string, projectId: string): Promise<Extract<JobOwner, { kind: 'project' }>> {
  const project = await findLiveProject(db, orgId, projectId);
  if (!project) throw new NotFoundError('project');
  return { kind: 'project', orgId, projectId: project.id };
}
