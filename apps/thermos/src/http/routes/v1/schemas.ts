import '@at/http'; // registers .openapi() on zod before the schemas below use it
import { z } from 'zod';

export const runParams = z.strictObject({
  workflow_id: z.string().regex(/^revoke-[a-z_]+-[0-9a-f]{32}$/, 'must be a revoke workflow id'),
  run_id: z.string().uuid('must be a Temporal run id (uuid)'),
});

export const countsSchema = z.object({
  total: z.number().int(),
  pending: z.number().int(),
  revoked: z.number().int(),
  already_revoked: z.number().int(),
  unsupported_by_provider: z.number().int(),
  failed: z.number().int(),
});

export const runSchema = z.object({
  run_id: z.string(),
  workflow_id: z.string(),
  status: z.enum(['running', 'completed', 'failed']),
  counts: countsSchema,
  created_at: z.string().nullable(),
  finished_at: z.string().nullable(),
}).openapi('Run');

export const OUTCOMES = ['pending', 'revoked', 'already_revoked', 'unsupported_by_provider', 'failed'] as const;

export const itemSchema = z.object({
  connected_account_id: z.string(),
  outcome: z.enum(OUTCOMES),
  revoked_tokens: z.array(z.string()),
  error_code: z.string().nullable(),
  error_message: z.string().nullable(),
  finished_at: z.string().nullable(),
}).openapi('RunItem');
