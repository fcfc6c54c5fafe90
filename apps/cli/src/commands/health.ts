import { getConnectionHealth } from '../api/connection-health';
import { table } from '../output';
import { EXIT, idArg, type Context } from './common';

/**
 * `health`: a project's connections counted by status per auth config. Exits 1 when any needs
 * re-authorisation, so a cron job or a CI check can alert on it.
 */
export async function health(ctx: Context, options: { project?: string | undefined; user?: string | undefined }): Promise<number> {
  const projectId = idArg(options.project, ['prj'], '--project');
  const answer = await getConnectionHealth(ctx.api, projectId, options.user);
  if (ctx.json) ctx.out.write(`${JSON.stringify(answer, null, 2)}\n`);
  else {
    const rows = answer.items.map((i) => [i.auth_config_id, i.toolkit, String(i.active), String(i.needs_reauth), String(i.revoking), String(i.revoked)]);
    if (rows.length > 0) ctx.out.write(table(['auth config', 'toolkit', 'active', 'needs_reauth', 'revoking', 'revoked'], rows));
    else ctx.out.write('no connections\n');
    ctx.out.write(answer.any_needs_reauth ? 'some connections need re-authorisation: their users must reconnect\n' : 'no connection needs re-authorisation\n');
  }
  return answer.any_needs_reauth ? EXIT.failed : EXIT.completed;
}
