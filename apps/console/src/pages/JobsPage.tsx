import { useEffect, useState } from 'preact/hooks';
import { listJobs, type JobSummary } from '../api/revoke-jobs';
import { ErrorText } from '../components/Banner';
import { JobsTable } from '../components/JobsTable';

/** The org's revoke jobs (oj_), newest first, each with live progress. */
export function JobsPage() {
  const [jobs, setJobs] = useState<JobSummary[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const load = (cursor?: string) =>
    listJobs(undefined, cursor).then((page) => {
      setJobs((previous) => (cursor ? [...previous, ...page.items] : page.items));
      setNext(page.next_cursor);
      setLoaded(true);
    }, setError);
  useEffect(() => {
    void load();
  }, []);
  return (
    <>
      <h1 tabIndex={-1}>Revoke jobs</h1>
      <p>
        <a href="#/revoke">Start a revoke…</a>
      </p>
      <ErrorText error={error} />
      {loaded ? <JobsTable jobs={jobs} label="Revoke jobs" /> : <p>Loading…</p>}
      {next ? (
        <button type="button" onClick={() => void load(next)}>
          Load more jobs
        </button>
      ) : null}
    </>
  );
}
