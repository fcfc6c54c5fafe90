#!/usr/bin/env -S node --import tsx
/**
 * `pnpm cli <command>`: revoke jobs from a terminal, on the same generated client as the console.
 * Exit codes: 0 completed, 1 failed (the job, a connection in it, or the request), 2 usage.
 */
import { parseArgs } from 'node:util';
import { ApiError, apolloClient } from './api/client';
import { EXIT, UsageError, type Context } from './commands/common';
import { connectLink } from './commands/connect-link';
import { health } from './commands/health';
import { jobs } from './commands/jobs';
import { revoke } from './commands/revoke';
import { readCliEnv } from './env';
import { stdout } from './output';

const USAGE = `usage: pnpm cli <command> [options]

  revoke (--project prj_… | --auth-config ac_… | --connected-account ca_… | --org) [--dry-run] [--watch]
  jobs list [--project prj_…] [--limit n]
  jobs get <job id> [--project prj_…] [--watch]
  jobs results <job id> [--project prj_…] [--outcome failed] [--limit n] [--all]
  jobs retry <job id> [--project prj_…] [--watch]
  jobs cancel <job id> [--project prj_…] [--watch]   calls in flight finish, nothing more is sent; exit 0 once cancelled
  connect-link --project prj_… --auth-config ac_… --user <user id> --redirect-uri <uri> [--connected-account ca_…]
              a hosted connect link for an end user: prints its URL (one use, until it expires)
  health --project prj_… [--user <user id>]   connections by status per auth config; exit 1 if any needs re-auth

  --json      print apollo's JSON instead of text (no progress bar)
  --project   a project's own jobs (pj_, started with its API keys) live under their project

environment: APOLLO_URL (default http://127.0.0.1:3000), APOLLO_TOKEN (an org admin token)
exit codes: 0 completed, 1 failed (the job, any connection in it, or the request; health: a connection needs re-auth), 2 usage
`;

const OPTIONS = {
  project: { type: 'string' },
  'auth-config': { type: 'string' },
  'connected-account': { type: 'string' },
  org: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  watch: { type: 'boolean' },
  json: { type: 'boolean' },
  outcome: { type: 'string' },
  limit: { type: 'string' },
  user: { type: 'string' },
  'redirect-uri': { type: 'string' },
  all: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

async function run(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  const [command, sub, id, ...extra] = positionals;
  if (values.help || command === 'help') {
    process.stdout.write(USAGE);
    return EXIT.completed;
  }
  if (command === undefined) throw new UsageError('missing command');
  if (command !== 'revoke' && command !== 'jobs' && command !== 'health' && command !== 'connect-link') throw new UsageError(`unknown command: ${command}`);
  const loose = command === 'jobs' ? extra : [sub, id, ...extra];
  if (loose.some((p) => p !== undefined)) throw new UsageError(`unexpected argument: ${loose.find((p) => p !== undefined)}`);

  const read = readCliEnv();
  if ('problems' in read) throw new UsageError(read.problems.join('\n'));
  const ctx: Context = { api: apolloClient(read.env), out: stdout, json: values.json === true, pollMs: 1000 };
  if (command === 'revoke') {
    return revoke(ctx, {
      project: values.project,
      authConfig: values['auth-config'],
      connectedAccount: values['connected-account'],
      org: values.org,
      dryRun: values['dry-run'],
      watch: values.watch,
    });
  }
  if (command === 'health') return health(ctx, { project: values.project, user: values.user });
  if (command === 'connect-link') {
    return connectLink(ctx, {
      project: values.project,
      authConfig: values['auth-config'],
      user: values.user,
      redirectUri: values['redirect-uri'],
      connectedAccount: values['connected-account'],
    });
  }
  return jobs(ctx, sub, id, { project: values.project, outcome: values.outcome, limit: values.limit, watch: values.watch, all: values.all });
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`error: ${error.message}\n\n${USAGE}`);
      process.exit(EXIT.usage);
    }
    if (error instanceof ApiError) {
      const fields = error.fields.map((f) => `\n  ${f.path}: ${f.message}`).join('');
      process.stderr.write(`apollo answered ${error.status} ${error.code}: ${error.message}${fields}\n`);
      // apollo refusing the request as malformed is a usage error too
      process.exit(error.status === 400 ? EXIT.usage : EXIT.failed);
    }
    const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}${cause}\n`);
    process.exit(EXIT.failed);
  },
);
