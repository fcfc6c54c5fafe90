import { z } from 'zod';
import { countLiveConnectionsByToolkit } from '@at/db';
import { SCOPE_TYPES, ValidationError, idPattern } from '@at/common';
import { defineRoute, errorResponseSchema } from '@at/http';
import type { ApolloContext } from '../../context';
import { createdJobSchema, presentJobSummary } from '../../use-cases/revoke-jobs/job-view';
import type { JobSurface } from '../../use-cases/revoke-jobs/owner';
import { resolveScope } from '../../use-cases/revoke-jobs/resolve-scope';
import { startRevokeJob } from '../../use-cases/revoke-jobs/start-revoke-job';

const anyId = z.string().min(1).max(64).regex(/^[a-z]{2,3}_[0-9A-Z]{26}$/, 'must be an id such as prj_...');

export const postRevokeJobsBody = z.strictObject({
  scope: z.strictObject({
    type: z.enum(SCOPE_TYPES),
    id: anyId.optional().describe("the entity's id; defaults to the caller's org (org scope) or project (project scope, platform API)"),
  }),
  dry_run: z.boolean().default(false).describe('count what would be revoked, by provider, and change nothing'),
});

export const dryRunSchema = z.object({
  dry_run: z.literal(true),
  scope: z.object({ type: z.enum(SCOPE_TYPES), id: z.string() }),
  total: z.number().int(),
  by_provider: z.record(z.string(), z.number().int()),
});

const PREFIX_OF = { org: 'org', project: 'prj', auth_config: 'ac', connected_account: 'ca' } as const;

/** Starts (or joins) a revoke job over a scope; dry_run counts it instead. */
export const postRevokeJobs = (ctx: ApolloContext, surface: JobSurface) =>
  defineRoute({
    method: 'post',
    path: `${surface.prefix}/revoke_jobs`,
    operationId: `${surface.name}CreateRevokeJob`,
    summary: 'Revoke every live credential in a scope',
    tags: ['revoke jobs'],
    security: surface.security,
    auth: surface.authenticate,
    body: postRevokeJobsBody,
    responses: {
      202: { description: 'a new run was started', schema: createdJobSchema },
      200: { description: 'joined the run already in flight for this scope (deduplicated), or a dry run', schema: z.union([createdJobSchema, dryRunSchema]) },
      400: { description: 'invalid scope', schema: errorResponseSchema },
      404: { description: 'the scope is not the caller\'s', schema: errorResponseSchema },
    },
    handler: async ({ auth: owner, body }) => {
      const { type, id } = body.scope;
      if (id !== undefined && !idPattern(PREFIX_OF[type]).test(id)) {
        throw new ValidationError('invalid scope id', [{ path: 'body.scope.id', message: `must be a ${type} id (${PREFIX_OF[type]}_...)` }]);
      }
      const scope = await resolveScope(ctx.db, owner, { type, id });
      if (body.dry_run) {
        const byProvider = await countLiveConnectionsByToolkit(ctx.db, scope);
        const total = Object.values(byProvider).reduce((a, b) => a + b, 0);
        return { status: 200, body: { dry_run: true, scope, total, by_provider: byProvider } };
      }
      const { job, created } = await startRevokeJob(ctx, {
        owner,
        target: { kind: 'scope', scope },
        scope,
        trigger: surface.name,
        // the scope was checked live just now; a delete racing this job must not empty it
        includeDeletedRoot: true,
      });
      // a job is created or joined only while its run is in flight
      return { status: created ? 202 : 200, body: { ...presentJobSummary(job), status: 'running', deduplicated: !created } };
    },
  });
