import { z } from 'zod';

/** Shapes of a revoke run's counts and per-connection results: thermos serves them, apollo relays them. */
export const RUN_OUTCOMES = ['pending', 'revoked', 'already_revoked', 'unsupported_by_provider', 'failed'] as const;
export const RUN_STATUSES = ['running', 'completed', 'failed'] as const;

export const runCountsSchema = z.object({
  total: z.number().int(),
  pending: z.number().int(),
  revoked: z.number().int(),
  already_revoked: z.number().int(),
  unsupported_by_provider: z.number().int(),
  failed: z.number().int(),
});

export const runResultSchema = z.object({
  connected_account_id: z.string(),
  outcome: z.enum(RUN_OUTCOMES),
  revoked_tokens: z.array(z.string()).describe('which tokens died at the provider: access, refresh'),
  error_code: z.string().nullable().describe("the provider's error code, or ours (provider_unavailable, invalid_client, ...)"),
  error_message: z.string().nullable(),
  finished_at: z.string().nullable(),
});
