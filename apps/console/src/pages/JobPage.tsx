import { useEffect, useState } from 'preact/hooks';
import type { ConsoleSession } from '../api/session';
import { cancelJob, jobHref, listResults, OUTCOMES, retryJob, temporalRunUrl, type JobRef, type JobResult, type Outcome } from '../api/revoke-jobs';
import { Banner, ErrorText } from '../components/Banner';
import { JobProgress, OutcomeCounts, StatusBadge, useJob } from '../components/JobProgress';
import { scopeText } from '../components/JobsTable';
import { navigate } from '../router';

function ResultsTable({ jobRef, done }: { jobRef: JobRef; done: number }) {
  const [outcome, setOutcome] = useState<Outcome | ''>('');
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const [page, setPage] = useState<{ items: JobResult[]; next_cursor: string | null } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const cursor = cursors[cursors.length - 1];
  // the first page follows the job as it progresses; later pages stay put
  const follow = cursors.length === 1 ? done : 0;
  useEffect(() => {
    listResults(jobRef, outcome || undefined, cursor).then(setPage, setError);
  }, [jobRef.id, jobRef.projectId, outcome, cursor, follow]);
  return (
    <section aria-labelledby="results-heading">
      <h2 id="results-heading">Results</h2>
      <div class="field inline">
        <label for="results-outcome">Outcome</label>
        <select
          id="results-outcome"
          value={outcome}
          onChange={(e) => {
            setOutcome(e.currentTarget.value as Outcome | '');
            setCursors([undefined]);
          }}
        >
          <option value="">all</option>
          {OUTCOMES.map((o) => (
            <option key={o} value={o}>
              {o.replaceAll('_', ' ')}
            </option>
          ))}
        </select>
      </div>
      <ErrorText error={error} />
      {page && page.items.length === 0 ? <p>No results with this outcome.</p> : null}
      {page && page.items.length > 0 ? (
        <div class="table-scroll">
          <table aria-label="Results">
            <thead>
              <tr>
                <th scope="col">Connection</th>
                <th scope="col">Outcome</th>
                <th scope="col">Revoked tokens</th>
                <th scope="col">Error code</th>
                <th scope="col">Error</th>
                <th scope="col">Finished</th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((item) => (
                <tr key={item.connected_account_id}>
                  <td class="mono">{item.connected_account_id}</td>
                  <td>
                    <span class={`outcome outcome-${item.outcome}`}>{item.outcome.replaceAll('_', ' ')}</span>
                  </td>
                  <td>{item.revoked_tokens.join(', ') || '—'}</td>
                  <td>{item.error_code ?? '—'}</td>
                  <td>{item.error_message ?? '—'}</td>
                  <td>{item.finished_at ? new Date(item.finished_at).toLocaleString() : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <div class="pager">
        <button type="button" disabled={cursors.length <= 1} onClick={() => setCursors(cursors.slice(0, -1))}>
          Previous page
        </button>
        <button type="button" disabled={!page?.next_cursor} onClick={() => page?.next_cursor && setCursors([...cursors, page.next_cursor])}>
          Next page
        </button>
      </div>
    </section>
  );
}

/** One job: live progress, counts by outcome, its results, retry, and its run in Temporal. */
export function JobPage({ jobRef, session }: { jobRef: JobRef; session: ConsoleSession }) {
  const { job, progress, error, reload } = useJob(jobRef);
  const [actionError, setActionError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [confirmingCancel, setConfirmingCancel] = useState(false);
  const cancel = async () => {
    setBusy(true);
    setActionError(null);
    try {
      await cancelJob(jobRef);
      reload();
    } catch (e) {
      setActionError(e);
    } finally {
      setBusy(false);
      setConfirmingCancel(false);
    }
  };
  const retry = async () => {
    setBusy(true);
    setActionError(null);
    try {
      const started = await retryJob(jobRef);
      navigate(jobHref({ id: started.id, projectId: jobRef.projectId }));
    } catch (e) {
      setActionError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <h1 tabIndex={-1}>Revoke job {jobRef.id}</h1>
      <ErrorText error={error} />
      {job && progress ? (
        <>
          <dl class="facts">
            <div>
              <dt>Status</dt>
              <dd>
                <StatusBadge status={job.status} />
              </dd>
            </div>
            <div>
              <dt>Scope</dt>
              <dd>{scopeText(job.scope)}</dd>
            </div>
            <div>
              <dt>Trigger</dt>
              <dd>{job.trigger}</dd>
            </div>
            <div>
              <dt>Created</dt>
              <dd>{new Date(job.created_at).toLocaleString()}</dd>
            </div>
            <div>
              <dt>Finished</dt>
              <dd>{job.finished_at ? new Date(job.finished_at).toLocaleString() : '—'}</dd>
            </div>
            {job.retry_of ? (
              <div>
                <dt>Retry of</dt>
                <dd>
                  <a href={jobHref({ id: job.retry_of, projectId: jobRef.projectId })}>{job.retry_of}</a>
                </dd>
              </div>
            ) : null}
          </dl>
          {job.paused && job.status === 'running' ? (
            <Banner tone="red" title={job.paused.by === 'operator' ? 'Paused by the operator.' : 'Paused: its project is paused.'}>
              {job.paused.reason ?? 'No reason given.'} (since {new Date(job.paused.since).toLocaleString()}) The job waits where it is until the pause is lifted.
            </Banner>
          ) : null}
          <JobProgress jobId={job.id} progress={progress} />
          <OutcomeCounts counts={job.counts} />
          <div class="actions">
            <button type="button" disabled={busy || job.status === 'running' || job.counts.failed + job.counts.cancelled === 0} onClick={() => void retry()}>
              Retry failed connections
            </button>
            {job.status !== 'running' ? null : confirmingCancel ? (
              <span class="confirm-inline" role="group" aria-label="Confirm cancelling the job">
                <span>Stop sending revocations? Calls in flight finish and are recorded.</span>
                <button type="button" class="danger" disabled={busy} onClick={() => void cancel()}>
                  {busy ? 'Cancelling…' : 'Confirm cancel'}
                </button>
                <button type="button" disabled={busy} onClick={() => setConfirmingCancel(false)}>
                  Keep running
                </button>
              </span>
            ) : (
              <button type="button" disabled={busy} onClick={() => setConfirmingCancel(true)}>
                Cancel job
              </button>
            )}
            <a href={temporalRunUrl(session.temporal, job)} target="_blank" rel="noopener noreferrer">
              Open the run in the Temporal Web UI
            </a>
          </div>
          <ErrorText error={actionError} />
          <ResultsTable jobRef={jobRef} done={progress.done} />
        </>
      ) : error ? null : (
        <p>Loading…</p>
      )}
    </>
  );
}
