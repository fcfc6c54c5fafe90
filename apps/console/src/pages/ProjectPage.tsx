import { useEffect, useState } from 'preact/hooks';
import { getConnectionHealth, type ConnectionHealth } from '../api/connected-accounts';
import { getProject, type Project } from '../api/projects';
import { listJobs, type JobSummary } from '../api/revoke-jobs';
import { Banner, ErrorText } from '../components/Banner';
import { HealthPanel } from '../components/HealthPanel';
import { JobsTable } from '../components/JobsTable';
import { PausePanel } from '../components/PausePanel';
import { ConnectedAccountsTable } from './ConnectedAccountsTable';

export function ProjectPage({ projectId }: { projectId: string }) {
  const [project, setProject] = useState<Project | null>(null);
  const [health, setHealth] = useState<ConnectionHealth | null>(null);
  const [jobs, setJobs] = useState<JobSummary[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [changes, setChanges] = useState(0);
  useEffect(() => {
    getProject(projectId).then(setProject, setError);
  }, [projectId]);
  useEffect(() => {
    getConnectionHealth(projectId).then(setHealth, () => setHealth(null));
    listJobs(projectId).then((page) => setJobs(page.items), setError);
  }, [projectId, changes]);
  return (
    <>
      <h1 tabIndex={-1}>{project ? project.name : 'Project'}</h1>
      <p class="mono">{projectId}</p>
      <ErrorText error={error} />
      {health?.any_needs_reauth ? (
        <Banner tone="amber" title="Some connections need re-auth.">
          Their users must reconnect; filter by status “needs_reauth” to see them.
        </Banner>
      ) : null}
      <PausePanel projectId={projectId} />
      <p class="actions">
        <a href={`#/revoke?scope=project&id=${projectId}`}>Revoke every credential of this project…</a>
        <a href={`#/projects/${projectId}/webhooks`}>Webhook endpoints and deliveries</a>
        <a href={`#/audit`}>Audit log</a>
      </p>
      <section aria-labelledby="project-health-heading">
        <h2 id="project-health-heading">Connection health</h2>
        {health ? <HealthPanel health={health} /> : <p>Loading…</p>}
      </section>
      <ConnectedAccountsTable projectId={projectId} onChanged={() => setChanges((n) => n + 1)} />
      <section aria-labelledby="project-jobs-heading">
        <h2 id="project-jobs-heading">Revoke jobs started with this project's API keys</h2>
        {jobs ? <JobsTable jobs={jobs} projectId={projectId} label="Project revoke jobs" /> : <p>Loading…</p>}
      </section>
    </>
  );
}
