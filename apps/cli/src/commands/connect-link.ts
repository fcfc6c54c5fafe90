import { createConnectLink } from '../api/connect-sessions';
import { EXIT, idArg, UsageError, type Context } from './common';

export type ConnectLinkOptions = {
  project?: string | undefined;
  authConfig?: string | undefined;
  user?: string | undefined;
  redirectUri?: string | undefined;
  connectedAccount?: string | undefined;
};

/**
 * `connect-link`: a hosted connect session for one end user; prints its URL alone on stdout (so
 * `$(pnpm -s cli connect-link …)` is the link), or apollo's answer with --json. The link works
 * once, until it expires; hand it to the end user.
 */
export async function connectLink(ctx: Context, options: ConnectLinkOptions): Promise<number> {
  const projectId = idArg(options.project, ['prj'], '--project');
  const authConfigId = idArg(options.authConfig, ['ac'], '--auth-config');
  if (options.user === undefined || options.user.trim() === '') throw new UsageError('missing --user <your id of the end user>');
  if (options.redirectUri === undefined) throw new UsageError("missing --redirect-uri (one of the project's allowed_redirect_uris)");
  const connectedAccountId = options.connectedAccount === undefined ? undefined : idArg(options.connectedAccount, ['ca'], '--connected-account');
  const link = await createConnectLink(ctx.api, projectId, { authConfigId, userId: options.user, redirectUri: options.redirectUri, connectedAccountId });
  ctx.out.write(ctx.json ? `${JSON.stringify(link, null, 2)}\n` : `${link.connect_url}\n`);
  return EXIT.completed;
}
