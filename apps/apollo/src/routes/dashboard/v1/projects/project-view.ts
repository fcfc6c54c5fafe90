import { z } from 'zod';
import type { ProjectRecord } from '../../../../repositories/projects';
import { iso, timestamp } from '../../../schemas';

export const projectView = z.object({ id: z.string(), name: z.string(), created_at: timestamp, updated_at: timestamp });

export const presentProject = (project: ProjectRecord): z.output<typeof projectView> => ({
  id: project.id,
  name: project.name,
  created_at: iso(project.createdAt),
  updated_at: iso(project.updatedAt),
});
