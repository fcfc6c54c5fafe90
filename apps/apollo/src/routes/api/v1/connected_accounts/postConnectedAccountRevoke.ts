import { z } from 'zod';
import { RUN_OUTCOMES } from '@at/common';
import { defineRoute, errorResponseSchema } from '@at/http';
import type { ApolloContext } from '../../../../context';
import { revokeConnectionNow } from '../../../../use-cases/revoke-jobs/revoke-connection-now';
import { idParam } from '../../../schemas';

export const revokeNowResponse = z.object({
  id: z.string(),
  status: z.string(),
  outcome: z.enum(RUN_OUTCOMES).describe('pending while the run is still going after 30 s; failed or cancelled when its run ended without revoking it'),
  revoked_tokens: z.array(z.string()),
  error_code: z.string().nullable(),
  error_message: z.string().nullable(),
  job_id: z.string().nullable().describe('the pj_ job that did it; null when there was nothing left to revoke'),
});

/** The answers of revoking one connection now, on both surfaces. */
export const revokeNowResponses = {
  200: { description: 'the outcome (idempotent: already_revoked when nothing was left)', schema: revokeNowResponse },
  202: { description: 'still in progress; poll the job', schema: revokeNowResponse },
  404: { description: 'not found', schema: errorResponseSchema },
  409: { description: 'not in a revocable state', schema: errorResponseSchema },
};

/** Revokes one connection synchronously (waits up to 30 s; 202 with the job when slower). */
export const postConnectedAccountRevoke = (ctx: ApolloContext) =>
  defineRoute({
    method: 'post',
    path: '/api/v1/connected_accounts/{id}/revoke',
    operationId: 'revokeConnectedAccount',
    summary: 'Revoke one connected account now',
    tags: ['connected accounts'],
    security: 'apiKey',
    auth: ctx.auth.project,
    params: idParam('ca', 'connected account'),
    responses: revokeNowResponses,
    handler: async ({ auth, params }) => {
      const result = await revokeConnectionNow(ctx, { kind: 'project', orgId: auth.orgId, projectId: auth.projectId }, params.id);
      return { status: result.outcome === 'pending' ? 202 : 200, body: result };
    },
  });
