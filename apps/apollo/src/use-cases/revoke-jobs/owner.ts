import type { Request } from 'express';
import type { ApolloContext } from '../../context';

/** Who owns a job: the org (oj_, dashboard and admin) or a project (pj_, platform API). */
export type JobOwner = { kind: 'org'; orgId: string } | { kind: 'project'; orgId: string; projectId: string };

export const ownerIdOf = (owner: JobOwner): string => (owner.kind === 'org' ? owner.orgId : owner.projectId);

/** The two public surfaces that create and read revoke jobs. */
export type JobSurface = {
  name: 'api' | 'dashboard';
  prefix: '/api/v1' | '/dashboard/v1';
  security: 'apiKey' | 'orgToken';
  authenticate: (req: Request) => Promise<JobOwner>;
};

export function jobSurfaces(ctx: ApolloContext): JobSurface[] {
  return [
    {
      name: 'api',
      prefix: '/api/v1',
      security: 'apiKey',
      authenticate: async (req) => {
        const caller = await ctx.auth.project(req);
        return { kind: 'project', orgId: caller.orgId, projectId: caller.projectId };
      },
    },
    {
      name: 'dashboard',
      prefix: '/dashboard/v1',
      security: 'orgToken',
      authenticate: async (req) => {
        const caller = await ctx.auth.org(req);
        return { kind: 'org', orgId: caller.orgId };
      },
    },
  ];
}
