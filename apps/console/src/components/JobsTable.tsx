import { formatDuration, formatRate } from '@at/common/progress';
import { jobHref, type JobSummary } from '../api/revoke-jobs';
import { JobProgress, StatusBadge, useJob } from './JobProgress';

export const scopeText = (scope: JobSummary['scope']) => `${scope.type.replace('_', ' ')} ${scope.id}`;

function JobRow({ summary, projectId }: { summary: JobSummary; projectId?: string | undefined }) {
  const { job, progress } = useJob({ id: summary.id, projectId });
  return (
    <tr>
      <td>
        <a href={jobHref({ id: summary.id, projectId })}>{summary.id}</a>
      </td>
      <td>{scopeText(summary.scope)}</td>
      <td>{summary.trigger}</td>
      <td>{new Date(summary.created_at).toLocaleString()}</td>
      <td>{job ? <StatusBadge status={job.status} /> : '…'}</td>
      <td class="wide">{progress ? <JobProgress jobId={summary.id} progress={progress} compact /> : null}</td>
      <td>{progress ? formatRate(progress.ratePerSecond) : ''}</td>
      <td>{progress ? formatDuration(progress.etaSeconds) : ''}</td>
      <td class="outcomes">
        {job ? `${job.counts.revoked} revoked · ${job.counts.already_revoked} already · ${job.counts.unsupported_by_provider} unsupported · ${job.counts.failed} failed` : ''}
      </td>
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
            <th scope="col">Progress</th>
            <th scope="col">Rate</th>
            <th scope="col">ETA</th>
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
