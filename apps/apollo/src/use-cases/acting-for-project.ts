import { NotFoundError } from '@at/common';
import type { DbClient } from '@at/db';
import { findLiveProject } from '../repositories/projects';

/**
 * The project a use case acts in: an API key's own project, or one the org admin names (the
 * dashboard acts for any live project of its org, as the API key of that project would).
 */
export type ProjectScope = { orgId: string; projectId: string };

/** A live project of the org, or a 404 (another org's project looks like no project). */
export async function actingForProject(db: DbClient, orgId: string, projectId: string): Promise<ProjectScope> {
  const project = await findLiveProject(db, orgId, projectId);
  if (!project) throw new NotFoundError('project');
  return { orgId, projectId: project.id };
}
