import { startRevoke, type Scope } from '../api/revoke-jobs';
import { table } from '../output';
import { EXIT, exitCodeOf, idArg, printJob, UsageError, watchJob, type Context } from './common';

export type RevokeOptions = { project?: string | undefined; authConfig?: string | undefined; connectedAccount?: string | undefined; org?: boolean | undefined; dryRun?: boolean | undefined; watch?: boolean | undefined };

function scopeOf(options: RevokeOptions): Scope {
  const chosen: Scope[] = [];
  if (options.org) chosen.push({ type: 'org' });
  if (options.project !== undefined) chosen.push({ type: 'project', id: idArg(options.project, ['prj'], '--project') });
  if (options.authConfig !== undefined) chosen.push({ type: 'auth_config', id: idArg(options.authConfig, ['ac'], '--auth-config') });
  if (options.connectedAccount !== undefined) chosen.push({ type: 'connected_account', id: idArg(options.connectedAccount, ['ca'], '--connected-account') });
  if (chosen.length !== 1) throw new UsageError('name exactly one scope: --project prj_…, --auth-config ac_…, --connected-account ca_… or --org');
  return chosen[0] as Scope;
}

/** `revoke`: a dry run, or a job started (or joined) and, with --watch, followed to its end. */
export async function revoke(ctx: Context, options: RevokeOptions): Promise<number> {
  const scope = scopeOf(options);
  const answer = await startRevoke(ctx.api, scope, options.dryRun === true);
  if ('dry_run' in answer) {
    if (ctx.json) ctx.out.write(`${JSON.stringify(answer, null, 2)}\n`);
    else {
      ctx.out.write(`dry run: ${answer.total} live connection${answer.total === 1 ? '' : 's'} in ${answer.scope.type} ${answer.scope.id} would be revoked\n`);
      const rows = Object.entries(answer.by_provider).map(([provider, n]) => [provider, String(n)]);
      if (rows.length > 0) ctx.out.write(table(['provider', 'connections'], rows));
    }
    return EXIT.completed;
  }
  if (!options.watch) {
    if (ctx.json) ctx.out.write(`${JSON.stringify(answer, null, 2)}\n`);
    else ctx.out.write(`${answer.deduplicated ? 'joined' : 'started'} ${answer.id} (${answer.scope.type} ${answer.scope.id}); follow it with: pnpm cli jobs get ${answer.id} --watch\n`);
    return EXIT.completed;
  }
  if (!ctx.json) ctx.out.write(`${answer.deduplicated ? 'joined' : 'started'} ${answer.id}\n`);
  const job = await watchJob(ctx, { id: answer.id });
  printJob(ctx, job);
  return exitCodeOf(job);
}
