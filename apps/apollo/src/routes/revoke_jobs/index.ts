import type { AnyRoute } from '@at/http';
import type { ApolloContext } from '../../context';
import { jobSurfaces } from '../../use-cases/revoke-jobs/owner';
import { getRevokeJob } from './getRevokeJob';
import { listRevokeJobResults } from './listRevokeJobResults';
import { listRevokeJobs } from './listRevokeJobs';
import { postRevokeJobRetry } from './postRevokeJobRetry';
import { postRevokeJobs } from './postRevokeJobs';

/** The same revoke-job endpoints on both surfaces: /api/v1 (pj_) and /dashboard/v1 (oj_). */
export function revokeJobRoutes(ctx: ApolloContext): AnyRoute[] {
  return jobSurfaces(ctx).flatMap((surface) => [
    postRevokeJobs(ctx, surface),
    listRevokeJobs(ctx, surface),
    getRevokeJob(ctx, surface),
    listRevokeJobResults(ctx, surface),
    postRevokeJobRetry(ctx, surface),
  ]);
}
