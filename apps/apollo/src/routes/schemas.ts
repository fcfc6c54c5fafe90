import { z } from 'zod';
import { idSchema, type IdPrefix } from '@at/common';

/** The path parameters of every route with ids: `{id}` (or `name`) of one kind; a malformed id is a 400 naming the field. */
export const idParam = <N extends string = 'id'>(prefix: IdPrefix, label: string, name: N = 'id' as N) =>
  z.strictObject({ [name]: idSchema(prefix, label) } as Record<N, ReturnType<typeof idSchema>>);

export const timestamp = z.string().describe('ISO 8601 timestamp');

export const deleteResponseSchema = z.object({
  id: z.string(),
  deleted: z.literal(true),
  revocation: z.union([z.literal('not_requested'), z.object({ job_id: z.string() })]),
});

export const revokeOnDeleteQuery = z.strictObject({
  revoke_on_delete: z.enum(['true', 'false']).default('false').transform((v) => v === 'true').describe('also revoke, at the provider, every credential that was live under it'),
});

/** An id of one kind in a body or query. */
export const idField = idSchema;

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
