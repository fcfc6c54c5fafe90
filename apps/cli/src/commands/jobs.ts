import { cancelJob, getJob, listJobs, listResults, OUTCOMES, retryJob, type Outcome } from '../api/revoke-jobs';
import { table } from '../output';
import { EXIT, exitCodeOf, idArg, jobRefArg, printJob, UsageError, watchJob, type Context } from './common';

export type JobsOptions = { project?: string | undefined; outcome?: string | undefined; limit?: string | undefined; watch?: boolean | undefined; all?: boolean | undefined };

function limitOf(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 100) throw new UsageError(`--limit must be 1..100: ${value}`);
  return n;
}

function outcomeOf(value: string | undefined): Outcome | undefined {
  if (value === undefined) return undefined;
  if (!(OUTCOMES as readonly string[]).includes(value)) throw new UsageError(`--outcome must be one of ${OUTCOMES.join(', ')}: ${value}`);
  return value as Outcome;
}

/** `jobs list|get|results|retry|cancel`. */
export async function jobs(ctx: Context, sub: string | undefined, id: string | undefined, options: JobsOptions): Promise<number> {
  switch (sub) {
    case 'list': {
      if (id !== undefined) throw new UsageError(`unexpected argument: ${id}`);
      const project = options.project === undefined ? undefined : idArg(options.project, ['prj'], '--project');
      const page = await listJobs(ctx.api, project, limitOf(options.limit, 20));
      if (ctx.json) ctx.out.write(`${JSON.stringify(page, null, 2)}\n`);
      else if (page.items.length === 0) ctx.out.write('no revoke jobs\n');
      else ctx.out.write(table(['job', 'scope', 'trigger', 'created'], page.items.map((j) => [j.id, `${j.scope.type} ${j.scope.id}`, j.trigger, j.created_at])));
      return EXIT.completed;
    }
    case 'get': {
      const ref = jobRefArg(id, options.project);
      const job = options.watch ? await watchJob(ctx, ref) : await getJob(ctx.api, ref);
      printJob(ctx, job);
      return options.watch ? exitCodeOf(job) : EXIT.completed;
    }
    case 'results': {
      const ref = jobRefArg(id, options.project);
      const outcome = outcomeOf(options.outcome);
      const limit = limitOf(options.limit, 50);
      const items = [];
      let cursor: string | undefined;
      do {
        const page = await listResults(ctx.api, ref, { limit, outcome, cursor });
        items.push(...page.items);
        cursor = options.all ? (page.next_cursor ?? undefined) : undefined;
      } while (cursor);
      if (ctx.json) ctx.out.write(`${JSON.stringify(items, null, 2)}\n`);
      else if (items.length === 0) ctx.out.write('no results\n');
      else
        ctx.out.write(
          table(
            ['connection', 'outcome', 'revoked tokens', 'error code', 'finished'],
            items.map((r) => [r.connected_account_id, r.outcome, r.revoked_tokens.join(',') || '-', r.error_code ?? '-', r.finished_at ?? '-']),
          ),
        );
      return EXIT.completed;
    }
    case 'retry': {
      const ref = jobRefArg(id, options.project);
      const started = await retryJob(ctx.api, ref);
      if (!options.watch) {
        if (ctx.json) ctx.out.write(`${JSON.stringify(started, null, 2)}\n`);
        else ctx.out.write(`${started.deduplicated ? 'joined' : 'started'} ${started.id} (retry of ${ref.id})\n`);
        return EXIT.completed;
      }
      if (!ctx.json) ctx.out.write(`${started.deduplicated ? 'joined' : 'started'} ${started.id} (retry of ${ref.id})\n`);
      const job = await watchJob(ctx, { id: started.id, projectId: ref.projectId });
      printJob(ctx, job);
      return exitCodeOf(job);
    }
    case 'cancel': {
      // 0 once apollo took the cancellation; with --watch, once the job ended cancelled (1 if it ended otherwise first)
      const ref = jobRefArg(id, options.project);
      const job = await cancelJob(ctx.api, ref);
      if (!options.watch) {
        if (ctx.json) ctx.out.write(`${JSON.stringify(job, null, 2)}\n`);
        else ctx.out.write(`cancelling ${job.id}: calls in flight finish and are recorded, nothing more is sent\n`);
        return EXIT.completed;
      }
      if (!ctx.json) ctx.out.write(`cancelling ${job.id}\n`);
      const ended = await watchJob(ctx, ref);
      printJob(ctx, ended);
      return ended.status === 'cancelled' ? EXIT.completed : EXIT.failed;
    }
    default:
      throw new UsageError(sub === undefined ? 'jobs needs a subcommand: list, get, results, retry or cancel' : `unknown jobs subcommand: ${sub}`);
  }
}
