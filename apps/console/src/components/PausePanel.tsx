import { useEffect, useState } from 'preact/hooks';
import { getPauseState, pauseProject, resumeProject, type PauseState } from '../api/pauses';
import { Banner, ErrorText } from './Banner';

type Actor = PauseState['project']['paused_by'];

const actorText = (actor: Actor) => (actor === null ? 'configuration' : actor.type === 'admin' ? 'the operator (admin token)' : `${actor.type.replaceAll('_', ' ')} ${actor.id ?? ''}`.trim());
const since = (at: string | null) => (at ? ` since ${new Date(at).toLocaleString()}` : '');

/**
 * A project's pause: a red banner while its provider calls are held (the operator's pause and
 * reason win over the project's), and the project's own switch. Resume lifts only the project's
 * pause; an operator pause is the operator's to lift.
 */
export function PausePanel({ projectId }: { projectId: string }) {
  const [state, setState] = useState<PauseState | null>(null);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [changes, setChanges] = useState(0);
  useEffect(() => {
    getPauseState(projectId).then(setState, setError);
  }, [projectId, changes]);
  const act = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
      setReason('');
      setChanges((n) => n + 1);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  if (!state) return <ErrorText error={error} />;
  const { operator, project } = state;
  return (
    <section aria-labelledby="pause-heading">
      {operator.paused ? (
        <Banner tone="red" title="Provider calls are paused by the operator.">
          {operator.reason ?? 'No reason given.'} (by {actorText(operator.paused_by)}
          {since(operator.paused_at)}){project.paused ? ' This project is paused too.' : ''}
        </Banner>
      ) : project.paused ? (
        <Banner tone="red" title="This project is paused.">
          {project.reason ?? 'No reason given.'} (by {actorText(project.paused_by)}
          {since(project.paused_at)})
        </Banner>
      ) : null}
      <h2 id="pause-heading">Pause</h2>
      {project.paused ? (
        <div class="actions">
          <button type="button" disabled={busy} onClick={() => void act(() => resumeProject(projectId))}>
            Resume this project
          </button>
          {operator.paused ? <span class="hint">The operator's pause still holds every call until the operator lifts it.</span> : null}
        </div>
      ) : (
        <form
          class="filters"
          onSubmit={(e) => {
            e.preventDefault();
            void act(() => pauseProject(projectId, reason.trim()));
          }}
        >
          <div class="field">
            <label for="pause-reason">Reason (kept in the audit log)</label>
            <input id="pause-reason" value={reason} maxLength={500} onInput={(e) => setReason(e.currentTarget.value)} />
          </div>
          <button type="submit" class="danger" disabled={busy}>
            Pause this project
          </button>
        </form>
      )}
      <p class="hint">A pause holds every outbound provider call of the project's connections; running jobs wait where they are.</p>
      <ErrorText error={error} />
    </section>
  );
}
