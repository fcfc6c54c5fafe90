import { z } from 'zod';
import type { ProjectRecord } from '../../../../repositories/projects';
import { iso, timestamp } from '../../../schemas';

export const projectView = z.object({
  id: z.string(),
  name: z.string(),
  allowed_redirect_uris: z.array(z.string()).describe('where connect sessions may send end users back to (exact matches)'),
  created_at: timestamp,
  updated_at: timestamp,
});

export const presentProject = (project: ProjectRecord): z.output<typeof projectView> => ({
  id: project.id,
  name: project.name,
  allowed_redirect_uris: project.allowedRedirectUris,
  created_at: iso(project.createdAt),
  updated_at: iso(project.updatedAt),
});
