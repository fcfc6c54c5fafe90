import { useEffect, useState } from 'preact/hooks';
import { listAllProjects, type Project } from '../api/projects';
import { jobHref, previewRevoke, startRevoke, type DryRun, type ScopeChoice, type ScopeType } from '../api/revoke-jobs';
import type { ConsoleSession } from '../api/session';
import { ErrorText } from '../components/Banner';
import { navigate } from '../router';

const SCOPES: Array<{ type: ScopeType; label: string }> = [
  { type: 'project', label: 'A project' },
  { type: 'auth_config', label: 'An auth config' },
  { type: 'connected_account', label: 'A connected account' },
  { type: 'org', label: 'The whole org' },
];

const isScopeType = (value: string | undefined): value is ScopeType => SCOPES.some((s) => s.type === value);

/**
 * Pick a scope, see the dry run first, then start. A project- or org-wide revoke needs its name
 * typed to confirm: it cannot be undone.
 */
export function NewRevokePage({ session, initialScope, initialId }: { session: ConsoleSession; initialScope?: string | undefined; initialId?: string | undefined }) {
  const [type, setType] = useState<ScopeType>(isScopeType(initialScope) ? initialScope : 'project');
  const [projectId, setProjectId] = useState(initialScope === 'project' && initialId ? initialId : '');
  const [entityId, setEntityId] = useState(initialScope !== 'project' && initialId ? initialId : '');
  const [projects, setProjects] = useState<Project[] | null>(null);
  const [preview, setPreview] = useState<DryRun | null>(null);
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    listAllProjects().then((list) => {
      setProjects(list);
      setProjectId((current) => current || list[0]?.id || '');
    }, setError);
  }, []);
  // any change of scope invalidates the preview and the confirmation
  useEffect(() => {
    setPreview(null);
    setTyped('');
  }, [type, projectId, entityId]);

  const scope = (): ScopeChoice => (type === 'org' ? { type } : type === 'project' ? { type, id: projectId } : { type, id: entityId.trim() });
  // an org- or project-wide revoke cannot be undone: its name must be typed, so it must be known
  const needsName = type === 'org' || type === 'project';
  const confirmName = type === 'org' ? session.org_name : type === 'project' ? projects?.find((p) => p.id === projectId)?.name : undefined;
  const confirmed = !needsName || (confirmName !== undefined && typed === confirmName);

  const run = async (action: 'preview' | 'start') => {
    setBusy(true);
    setError(null);
    try {
      if (action === 'preview') setPreview(await previewRevoke(scope()));
      else navigate(jobHref({ id: (await startRevoke(scope())).id }));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <h1 tabIndex={-1}>Start a revoke</h1>
      <form
        class="revoke-form"
        onSubmit={(e) => {
          e.preventDefault();
          void run('preview');
        }}
      >
        <fieldset>
          <legend>Scope</legend>
          {SCOPES.map((s) => (
            <label key={s.type} class="radio">
              <input type="radio" name="scope" value={s.type} checked={type === s.type} onChange={() => setType(s.type)} />
              {s.type === 'org' ? `${s.label} (${session.org_name})` : s.label}
            </label>
          ))}
        </fieldset>
        {type === 'project' ? (
          <div class="field">
            <label for="revoke-project">Project</label>
            <select id="revoke-project" value={projectId} onChange={(e) => setProjectId(e.currentTarget.value)}>
              {(projects ?? []).map((p) => (
                // `selected` too: the value is set before the options arrive
                <option key={p.id} value={p.id} selected={p.id === projectId}>
                  {p.name} ({p.id})
                </option>
              ))}
            </select>
          </div>
        ) : null}
        {type === 'auth_config' || type === 'connected_account' ? (
          <div class="field">
            <label for="revoke-entity">{type === 'auth_config' ? 'Auth config id' : 'Connected account id'}</label>
            <input id="revoke-entity" type="text" value={entityId} placeholder={type === 'auth_config' ? 'ac_…' : 'ca_…'} onInput={(e) => setEntityId(e.currentTarget.value)} required />
          </div>
        ) : null}
        <button type="submit" disabled={busy || (type === 'project' && !confirmName)}>
          Preview (dry run)
        </button>
      </form>
      <ErrorText error={error} />
      {preview ? (
        <section aria-labelledby="preview-heading" class="preview">
          <h2 id="preview-heading">Dry run</h2>
          <p role="status">
            {preview.total} live connection{preview.total === 1 ? '' : 's'} would be revoked at the provider.
          </p>
          {preview.total > 0 ? (
            <table aria-label="Connections by provider">
              <thead>
                <tr>
                  <th scope="col">Provider</th>
                  <th scope="col">Connections</th>
                </tr>
              </thead>
              <tbody>
                {Object.entries(preview.by_provider).map(([provider, count]) => (
                  <tr key={provider}>
                    <td>{provider}</td>
                    <td>{count}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
          {confirmName !== undefined ? (
            <div class="field">
              <label for="revoke-confirm">Type “{confirmName}” to confirm</label>
              <input id="revoke-confirm" type="text" value={typed} autocomplete="off" spellcheck={false} onInput={(e) => setTyped(e.currentTarget.value)} />
            </div>
          ) : null}
          <button type="button" class="danger" disabled={busy || !confirmed || preview.total === 0} onClick={() => void run('start')}>
            Revoke {preview.total} connection{preview.total === 1 ? '' : 's'}
          </button>
        </section>
      ) : null}
    </>
  );
}
