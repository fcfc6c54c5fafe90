import '@at/http'; // registers .openapi() on zod before the schemas below use it
import { z } from 'zod';
import { RUN_STATUSES, WORKFLOW_ID_PATTERN, runCountsSchema, runFailureSchema, runResultSchema, runRetryingSchema } from '@at/common';

export const runParams = z.strictObject({
  workflow_id: z.string().regex(WORKFLOW_ID_PATTERN, 'must be a revoke workflow id'),
  run_id: z.string().uuid('must be a Temporal run id (uuid)'),
});

// fresh objects: schemas built before @at/http extended zod have no .openapi()
export const runSchema = z
  .object({
    run_id: z.string(),
    workflow_id: z.string(),
    status: z.enum(RUN_STATUSES),
    counts: z.object(runCountsSchema.shape).openapi('RunCounts'),
    failure: z.object(runFailureSchema.shape).nullable().describe('set when the status is failed'),
    retrying: z.object(runRetryingSchema.shape).nullable().describe(runRetryingSchema.description ?? ''),
    created_at: z.string().nullable(),
    finished_at: z.string().nullable(),
  })
  .openapi('Run');

export const itemSchema = z.object(runResultSchema.shape).openapi('RunItem');
