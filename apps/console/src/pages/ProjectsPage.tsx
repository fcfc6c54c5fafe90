import { useEffect, useState } from 'preact/hooks';
import { getConnectionHealth } from '../api/connected-accounts';
import { getPauseState } from '../api/pauses';
import { listAllProjects, type Project } from '../api/projects';
import { ErrorText } from '../components/Banner';

function ReauthCell({ projectId }: { projectId: string }) {
  const [needs, setNeeds] = useState<boolean | null>(null);
  useEffect(() => {
    getConnectionHealth(projectId).then((health) => setNeeds(health.any_needs_reauth), () => setNeeds(null));
  }, [projectId]);
  if (needs === null) return <td>…</td>;
  return <td>{needs ? <span class="badge badge-amber">Needs re-auth</span> : <span class="badge">OK</span>}</td>;
}

/** Whether the project's provider calls are held, and whose pause holds them (the operator's wins). */
function PauseCell({ projectId }: { projectId: string }) {
  const [held, setHeld] = useState<'operator' | 'project' | 'no' | null>(null);
  useEffect(() => {
    getPauseState(projectId).then(
      (state) => setHeld(state.operator.paused ? 'operator' : state.project.paused ? 'project' : 'no'),
      () => setHeld(null),
    );
  }, [projectId]);
  if (held === null) return <td>…</td>;
  if (held === 'no') return <td>running</td>;
  return (
    <td>
      <span class="badge badge-red">{held === 'operator' ? 'Paused by the operator' : 'Paused'}</span>
    </td>
  );
}

export function ProjectsPage() {
  const [projects, setProjects] = useState<Project[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    listAllProjects().then(setProjects, setError);
  }, []);
  return (
    <>
      <h1 tabIndex={-1}>Projects</h1>
      <ErrorText error={error} />
      {projects === null && !error ? <p>Loading…</p> : null}
      {projects && projects.length === 0 ? <p>This org has no projects yet.</p> : null}
      {projects && projects.length > 0 ? (
        <div class="table-scroll">
          <table aria-label="Projects">
            <thead>
              <tr>
                <th scope="col">Project</th>
                <th scope="col">Id</th>
                <th scope="col">Created</th>
                <th scope="col">Connections</th>
                <th scope="col">Provider calls</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {projects.map((project) => (
                <tr key={project.id}>
                  <td>
                    <a href={`#/projects/${project.id}`}>{project.name}</a>
                  </td>
                  <td class="mono">{project.id}</td>
                  <td>{new Date(project.created_at).toLocaleString()}</td>
                  <ReauthCell projectId={project.id} />
                  <PauseCell projectId={project.id} />
                  <td>
                    <a href={`#/revoke?scope=project&id=${project.id}`} aria-label={`Revoke every credential of ${project.name}`}>
                      Revoke all…
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  );
}
