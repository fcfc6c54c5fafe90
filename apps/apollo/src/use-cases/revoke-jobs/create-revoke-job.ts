import type { JobTriggerName, Scope, ScopeType } from '@at/common';
import { countLiveConnectionsByToolkit } from '@at/db';
import type { ApolloContext } from '../../context';
import type { JobOwner } from './owner';
import { resolveScope } from './resolve-scope';
import { startRevokeJob, type StartedJob } from './start-revoke-job';

export type CreateRevokeJobInput = { scope: { type: ScopeType; id?: string | undefined }; dryRun: boolean };

export type DryRun = { dryRun: true; scope: Scope; total: number; byProvider: Record<string, number> };

/**
 * A revoke job over a scope the caller owns: started, or joined when the scope is already
 * running; a dry run counts what would be revoked, by provider, and changes nothing.
 */
export async function createRevokeJob(ctx: ApolloContext, owner: JobOwner, input: CreateRevokeJobInput, trigger: JobTriggerName): Promise<StartedJob | DryRun> {
  // the id, when given, was checked against its type by the body schema
  const scope = await resolveScope(ctx.db, owner, input.scope);
  if (input.dryRun) {
    const byProvider = await countLiveConnectionsByToolkit(ctx.db, scope);
    return { dryRun: true, scope, total: Object.values(byProvider).reduce((a, b) => a + b, 0), byProvider };
  }
  // the scope was checked live just now; a delete racing this job must not empty it
  return startRevokeJob(ctx, { owner, target: { kind: 'scope', scope }, scope, trigger, includeDeletedRoot: true });
}
