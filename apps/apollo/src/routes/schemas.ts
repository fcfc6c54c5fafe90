import { z } from 'zod';
import { idPattern, type IdPrefix } from '@at/common';

/** A path id of one kind; a malformed id is a 400 naming the field. */
export const idParam = (prefix: IdPrefix, label: string) =>
  z.strictObject({ id: z.string().regex(idPattern(prefix), `must be a ${label} id (${prefix}_...)`) });

export const timestamp = z.string().describe('ISO 8601 timestamp');

export const deleteResponseSchema = z.object({
  id: z.string(),
  deleted: z.literal(true),
  revocation: z.union([z.literal('not_requested'), z.object({ job_id: z.string() })]),
});

export const revokeOnDeleteQuery = z.strictObject({
  revoke_on_delete: z.enum(['true', 'false']).default('false').transform((v) => v === 'true').describe('also revoke, at the provider, every credential that was live under it'),
});
