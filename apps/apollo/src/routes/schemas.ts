import '@at/http'; // registers .openapi() on zod before the schemas below use it
import { z } from 'zod';
import { codePointLength, idSchema, isWellFormedText, type IdPrefix } from '@at/common';
import { errorResponseSchema } from '@at/http';

/** The path parameters of every route with ids: `{id}` (or `name`) of one kind; a malformed id is a 400 naming the field. */
export const idParam = <N extends string = 'id'>(prefix: IdPrefix, label: string, name: N = 'id' as N) =>
  z.strictObject({ [name]: idSchema(prefix, label) } as Record<N, ReturnType<typeof idSchema>>);

export const timestamp = z.string().describe('ISO 8601 timestamp');

export const deleteResponseSchema = z.object({
  id: z.string(),
  deleted: z.literal(true),
  revocation: z.union([z.literal('not_requested'), z.object({ job_id: z.string() })]),
});

/** The answers of a DELETE that can revoke (revoke_on_delete), for every resource that has one. */
export const deleteResponses = {
  200: { description: 'deleted (or, retried with revoke_on_delete, already deleted by the caller); says what became of revocation', schema: deleteResponseSchema },
  503: { description: 'revocation could not be started yet: the deletion and its revocation are recorded and start by themselves; retry for the job id', schema: errorResponseSchema },
};

export const revokeOnDeleteQuery = z.strictObject({
  revoke_on_delete: z.enum(['true', 'false']).default('false').transform((v) => v === 'true').describe('also revoke, at the provider, every credential that was live under it'),
});

/** An id of one kind in a body or query. */
export const idField = idSchema;

// Control characters (C0, DEL, C1) would corrupt logs, CSV exports and dashboards.
const CONTROL_CHARACTER = /\p{Cc}/u;

/**
 * Human-facing text (names, end-user ids): trimmed, 1..max characters (code points, as the
 * OpenAPI maxLength counts), well-formed Unicode, no control characters. RTL marks, combining
 * characters and emoji are text: they are stored and returned exactly.
 */
export const plainText = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .refine((value) => codePointLength(value) <= max, `must be at most ${max} characters`)
    .refine(isWellFormedText, 'must be well-formed Unicode')
    .refine((value) => !CONTROL_CHARACTER.test(value), 'must not contain control characters')
    .openapi({ minLength: 1, maxLength: max });

// RFC 6749 appendix A: client secrets, access and refresh tokens are 1*VSCHAR (%x20-7E)
const VSCHAR = /^[\x20-\x7e]+$/;

/** An OAuth client secret or token: printable ASCII, as RFC 6749 defines them. */
export const oauthSecret = (max: number) => z.string().min(1).max(max).regex(VSCHAR, 'must be printable ASCII (RFC 6749 VSCHAR)');

/** An opaque secret with no defined alphabet (API keys): any well-formed text without control characters (it may travel in a header). */
export const opaqueSecret = (max: number) =>
  z
    .string()
    .min(1)
    .refine((value) => codePointLength(value) <= max, `must be at most ${max} characters`)
    .refine(isWellFormedText, 'must be well-formed Unicode')
    .refine((value) => !CONTROL_CHARACTER.test(value), 'must not contain control characters')
    .openapi({ minLength: 1, maxLength: max });

// The instants both Postgres (timestamptz) and JavaScript (Date) store exactly, and that every
// client library can represent: no year 0 (Postgres has none), no year past 9999 (ISO 8601's four
// digits), nothing before the Unix epoch, and milliseconds at most (both store milliseconds).
export const EARLIEST_INSTANT = '1970-01-01T00:00:00.000Z';
export const LATEST_INSTANT = '9999-12-31T23:59:59.999Z';
const INSTANT_RANGE = [Date.parse(EARLIEST_INSTANT), Date.parse(LATEST_INSTANT)] as const;
// RFC 3339 date-time with seconds, at most three fraction digits and an offset
const INSTANT_SHAPE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})$/;
const SHAPE_MESSAGE = 'must be an ISO 8601 date-time YYYY-MM-DDTHH:MM:SS[.mmm] with an offset (Z or ±HH:MM)';

/**
 * An ISO 8601 date-time within the range above; anything else is a 400 naming the field. The
 * range is also in the document, as x-format-minimum / x-format-maximum.
 */
export const instant = (description: string) =>
  z.iso
    .datetime({ offset: true, message: SHAPE_MESSAGE, abort: true })
    .regex(INSTANT_SHAPE, { message: SHAPE_MESSAGE, abort: true })
    .refine((value) => {
      const at = Date.parse(value);
      return at >= INSTANT_RANGE[0] && at <= INSTANT_RANGE[1];
    }, `must be from ${EARLIEST_INSTANT} to ${LATEST_INSTANT}`)
    .openapi({ format: 'date-time', 'x-format-minimum': EARLIEST_INSTANT, 'x-format-maximum': LATEST_INSTANT })
    .describe(`${description}; ISO 8601 with seconds, at most millisecond precision and an offset, from ${EARLIEST_INSTANT} to ${LATEST_INSTANT} (what Postgres and JavaScript both store exactly)`);

export const iso = (date: Date): string => date.toISOString();
