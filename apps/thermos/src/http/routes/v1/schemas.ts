import '@at/http'; // registers .openapi() on zod before the schemas below use it
import { z } from 'zod';
import { RUN_STATUSES, runCountsSchema, runResultSchema } from '@at/common';

export const runParams = z.strictObject({
  workflow_id: z.string().regex(/^revoke-[a-z_]+-[0-9a-f]{32}$/, 'must be a revoke workflow id'),
  run_id: z.string().uuid('must be a Temporal run id (uuid)'),
});

export const runSchema = z.object({
  run_id: z.string(),
  workflow_id: z.string(),
  status: z.enum(RUN_STATUSES),
  counts: runCountsSchema,
  created_at: z.string().nullable(),
  finished_at: z.string().nullable(),
}).openapi('Run');

// a fresh object: schemas built before @at/http extended zod have no .openapi()
export const itemSchema = z.object(runResultSchema.shape).openapi('RunItem');
