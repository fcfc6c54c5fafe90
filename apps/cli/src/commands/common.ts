import type { ApolloClient } from '../api/client';
import { getJob, type Job, type JobRef } from '../api/revoke-jobs';
import { countsLine, ProgressView, type Out } from '../output';

/** 0: the job completed with nothing failed; 1: it failed, or some connection did; 2: a usage error. */
export const EXIT = { completed: 0, failed: 1, usage: 2 } as const;

export class UsageError extends Error {}

export type Context = { api: ApolloClient; out: Out; json: boolean; pollMs: number };

const ID = /^[a-z]{2,3}_[0-9A-HJKMNP-TV-Z]{26}$/;

export function idArg(value: string | undefined, prefixes: string[], what: string): string {
  if (value === undefined) throw new UsageError(`missing ${what}`);
  if (!ID.test(value) || !prefixes.some((p) => value.startsWith(`${p}_`))) throw new UsageError(`${what} must look like ${prefixes.map((p) => `${p}_…`).join(' or ')}: ${value}`);
  return value;
}

/** A job id, and the project it lives under when it is a project's own job (pj_). */
export function jobRefArg(id: string | undefined, project: string | undefined): JobRef {
  const jobId = idArg(id, ['oj', 'pj'], 'job id');
  if (jobId.startsWith('pj_') && project === undefined) throw new UsageError(`${jobId} is a project's job: add --project prj_…`);
  return { id: jobId, projectId: project === undefined ? undefined : idArg(project, ['prj'], '--project') };
}

export const exitCodeOf = (job: Job): number => (job.status === 'completed' && job.counts.failed === 0 ? EXIT.completed : EXIT.failed);

export function printJob(ctx: Context, job: Job): void {
  if (ctx.json) {
    ctx.out.write(`${JSON.stringify(job, null, 2)}\n`);
    return;
  }
  ctx.out.write(
    [
      `job       ${job.id}`,
      `status    ${job.status}`,
      `scope     ${job.scope.type} ${job.scope.id}`,
      `trigger   ${job.trigger}${job.retry_of ? ` (retry of ${job.retry_of})` : ''}`,
      `created   ${job.created_at}`,
      `finished  ${job.finished_at ?? '-'}`,
      `done      ${job.counts.total - job.counts.pending}/${job.counts.total}`,
      `outcomes  ${countsLine(job.counts)}`,
      `workflow  ${job.workflow_id} ${job.run_id}`,
    ].join('\n') + '\n',
  );
}

/** Polls the job until it is no longer running, drawing its progress; returns the final job. */
export async function watchJob(ctx: Context, ref: JobRef): Promise<Job> {
  const view = new ProgressView(ctx.out);
  for (;;) {
    const job = await getJob(ctx.api, ref);
    if (!ctx.json) view.update(job);
    if (job.status !== 'running') {
      if (!ctx.json) view.end();
      return job;
    }
    await new Promise((resolve) => setTimeout(resolve, ctx.pollMs));
  }
}
