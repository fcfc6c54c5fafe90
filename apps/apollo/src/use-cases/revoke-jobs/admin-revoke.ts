import { NotFoundError, type Scope } from '@at/common';
import { countLiveConnectionsByToolkit } from '@at/db';
import type { ApolloContext } from '../../context';
import { locateScope } from '../../repositories/scopes';
import { startRevokeJob, type StartedJob } from './start-revoke-job';

/**
 * Admin "revoke every token" of an org or project: starts or joins the scope's job, or does
 * nothing when nothing is live. Deleted orgs and projects are included: a customer who left
 * still has live credentials at the providers.
 */
export async function adminRevokeTokens(ctx: ApolloContext, scope: Extract<Scope, { type: 'org' | 'project' }>): Promise<StartedJob | null> {
  const found = await locateScope(ctx.db, scope);
  if (!found) throw new NotFoundError(scope.type);
  const owner = { kind: 'org' as const, orgId: found.orgId };
  const live = await countLiveConnectionsByToolkit(ctx.db, scope, true);
  if (Object.values(live).every((n) => n === 0)) return null;
  return startRevokeJob(ctx, { owner, target: { kind: 'scope', scope }, scope, trigger: 'admin', includeDeletedRoot: true });
}
