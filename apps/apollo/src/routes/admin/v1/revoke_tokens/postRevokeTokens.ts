import { z } from 'zod';
import { defineRoute, errorResponseSchema } from '@at/http';
import type { ApolloContext } from '../../../../context';
import { adminRevokeTokens } from '../../../../use-cases/revoke-jobs/admin-revoke';
import { createdJobSchema, presentStartedJob, startedStatus } from '../../../revoke-job-view';
import { idParam } from '../../../schemas';

const responseSchema = z.object({ job: createdJobSchema.nullable().describe('null when nothing was live: nothing to do') });

/** POST /admin/v1/{orgs|projects}/{id}/revoke_tokens: idempotent "revoke everything". */
export const postRevokeTokens = (ctx: ApolloContext, level: 'org' | 'project') => {
  const prefix = level === 'org' ? 'org' : 'prj';
  return defineRoute({
    method: 'post',
    path: `/admin/v1/${level === 'org' ? 'orgs' : 'projects'}/{id}/revoke_tokens`,
    operationId: `adminRevoke${level === 'org' ? 'Org' : 'Project'}Tokens`,
    summary: `Revoke every live credential of ${level === 'org' ? 'an org' : 'a project'}`,
    tags: ['admin'],
    security: 'adminToken',
    auth: ctx.auth.admin,
    params: idParam(prefix, level),
    responses: {
      202: { description: 'a job was started', schema: responseSchema },
      200: { description: 'joined the job in flight, or nothing was live', schema: responseSchema },
      404: { description: `unknown ${level}`, schema: errorResponseSchema },
      503: { description: 'a dependency (database, Temporal) failed: nothing was started, retry', schema: errorResponseSchema },
    },
    handler: async ({ params }) => {
      const started = await adminRevokeTokens(ctx, { type: level, id: params.id });
      if (!started) return { status: 200, body: { job: null } };
      return { status: startedStatus(started), body: { job: presentStartedJob(started) } };
    },
  });
};
