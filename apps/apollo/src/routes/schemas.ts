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

/** An id of one kind in a body, query or second path parameter. */
export const idField = (prefix: IdPrefix, label: string) => z.string().regex(idPattern(prefix), `must be a ${label} id (${prefix}_...)`);

// Control characters (C0, DEL, C1) would corrupt logs, CSV exports and dashboards.
const CONTROL_CHARACTER = /\p{Cc}/u;

/** Human-facing text (names, end-user ids): trimmed, 1..max characters, no control characters. */
export const plainText = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine((value) => !CONTROL_CHARACTER.test(value), 'must not contain control characters');

export const iso = (date: Date): string => date.toISOString();
