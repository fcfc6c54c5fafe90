import { z } from 'zod';
import type { ApiKeyRecord } from '../../../../../repositories/api-keys';
import { iso, timestamp } from '../../../../schemas';

/** An API key as listed: never its secret (only the hash is stored). */
export const apiKeyView = z.object({ id: z.string(), project_id: z.string(), created_at: timestamp });

export const presentApiKey = (key: ApiKeyRecord): z.output<typeof apiKeyView> => ({ id: key.id, project_id: key.projectId, created_at: iso(key.createdAt) });
