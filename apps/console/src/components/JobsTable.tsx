import { jobHref, type Job, type JobSummary } from '../api/revoke-jobs';
import { JobProgress, StatusBadge, useJob } from './JobProgress';

export const scopeText = (scope: JobSummary['scope']) => `${scope.type.replace('_', ' ')} ${scope.id}`;

const OUTCOME_WORDS: Array<[keyof Job['counts'], string]> = [
  ['revoked', 'revoked'],
  ['already_revoked', 'already revoked'],
  ['unsupported_by_provider', 'unsupported'],
  ['failed', 'failed'],
  ['cancelled', 'cancelled'],
];

/** The outcomes a job has so far, the ones that happened only. */
function OutcomeList({ counts }: { counts: Job['counts'] }) {
  const seen = OUTCOME_WORDS.filter(([key]) => counts[key] > 0);
  if (seen.length === 0) return <span>—</span>;
  return (
    <ul class="outcome-list">
      {seen.map(([key, word]) => (
        <li key={key} class={`count-${key}`}>
          {counts[key]} {word}
        </li>
      ))}
    </ul>
  );
}

function JobRow({ summary, projectId }: { summary: JobSummary; projectId?: string | undefined }) {
  const { job, progress } = useJob({ id: summary.id, projectId });
  return (
    <tr>
      <td class="mono">
        <a href={jobHref({ id: summary.id, projectId })}>{summary.id}</a>
      </td>
      <td>
        {summary.scope.type.replace('_', ' ')}
        <div class="mono muted">{summary.scope.id}</div>
      </td>
      <td>{summary.trigger}</td>
      <td>{new Date(summary.created_at).toLocaleString()}</td>
      <td>{job ? <StatusBadge status={job.status} /> : '…'}</td>
      <td class="wide">{progress ? <JobProgress jobId={summary.id} progress={progress} compact /> : null}</td>
      <td>{job ? <OutcomeList counts={job.counts} /> : null}</td>
    </tr>
  );
}

/** Jobs with live progress: each running row polls its own job. */
export function JobsTable({ jobs, projectId, label }: { jobs: JobSummary[]; projectId?: string | undefined; label: string }) {
  if (jobs.length === 0) return <p>No revoke jobs yet.</p>;
  return (
    <div class="table-scroll">
      <table aria-label={label}>
        <thead>
          <tr>
            <th scope="col">Job</th>
            <th scope="col">Scope</th>
            <th scope="col">Trigger</th>
            <th scope="col">Created</th>
            <th scope="col">Status</th>
            <th scope="col">Progress (rate, ETA)</th>
            <th scope="col">Outcomes</th>
          </tr>
        </thead>
        <tbody>
          {jobs.map((job) => (
            <JobRow key={job.id} summary={job} projectId={projectId} />
          ))}
        </tbody>
      </table>
    </div>
  );
}
