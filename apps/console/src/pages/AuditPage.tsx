import { useEffect, useState } from 'preact/hooks';
import { listAuditEvents, type AuditEvent, type AuditFilter } from '../api/audit';
import { ErrorText } from '../components/Banner';

/** A datetime-local value (the browser's local time) as an ISO instant, or undefined when empty. */
const instant = (local: string) => (local ? new Date(local).toISOString() : undefined);

const actorText = (actor: AuditEvent['actor']) => `${actor.type.replaceAll('_', ' ')}${actor.id ? ` ${actor.id}` : ''}`;

/** The org's audit log, newest first, filterable by action, target and time. */
export function AuditPage() {
  const [form, setForm] = useState({ action: '', target: '', since: '', until: '' });
  const [filter, setFilter] = useState<AuditFilter>({});
  const [events, setEvents] = useState<AuditEvent[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = (f: AuditFilter, cursor?: string) =>
    listAuditEvents(f, cursor).then((page) => {
      setEvents((previous) => (cursor && previous ? [...previous, ...page.items] : page.items));
      setNext(page.next_cursor);
      setError(null);
    }, setError);
  useEffect(() => {
    void load(filter);
  }, [filter]);
  const set = (key: keyof typeof form) => (e: { currentTarget: HTMLInputElement }) => setForm({ ...form, [key]: e.currentTarget.value });
  return (
    <>
      <h1 tabIndex={-1}>Audit log</h1>
      <form
        class="filters"
        aria-label="Audit filters"
        onSubmit={(e) => {
          e.preventDefault();
          const f: AuditFilter = {};
          if (form.action.trim()) f.action = form.action.trim();
          if (form.target.trim()) f.target = form.target.trim();
          const since = instant(form.since);
          const until = instant(form.until);
          if (since) f.since = since;
          if (until) f.until = until;
          setFilter(f);
        }}
      >
        <div class="field">
          <label for="audit-action">Action</label>
          <input id="audit-action" placeholder="e.g. pauseProject" value={form.action} onInput={set('action')} />
        </div>
        <div class="field">
          <label for="audit-target">Target id</label>
          <input id="audit-target" class="mono" placeholder="prj_…, ca_…, we_…" value={form.target} onInput={set('target')} />
        </div>
        <div class="field">
          <label for="audit-since">From</label>
          <input id="audit-since" type="datetime-local" step={1} value={form.since} onInput={set('since')} />
        </div>
        <div class="field">
          <label for="audit-until">Until</label>
          <input id="audit-until" type="datetime-local" step={1} value={form.until} onInput={set('until')} />
        </div>
        <button type="submit">Apply filters</button>
      </form>
      <ErrorText error={error} />
      {events === null ? <p>Loading…</p> : null}
      {events && events.length === 0 ? <p>No audit events match.</p> : null}
      {events && events.length > 0 ? (
        <div class="table-scroll">
          <table aria-label="Audit events">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Action</th>
                <th scope="col">Actor</th>
                <th scope="col">Surface</th>
                <th scope="col">Targets</th>
                <th scope="col">Project</th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr key={e.id}>
                  <td>{new Date(e.created_at).toLocaleString()}</td>
                  <td>{e.action}</td>
                  <td class="mono">{actorText(e.actor)}</td>
                  <td>{e.surface}</td>
                  <td class="mono">
                    {e.targets.map((t) => (
                      <div key={t}>{t}</div>
                    ))}
                  </td>
                  <td class="mono">{e.project_id ? <a href={`#/projects/${e.project_id}`}>{e.project_id}</a> : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {next ? (
        <button type="button" onClick={() => void load(filter, next)}>
          Load older events
        </button>
      ) : null}
    </>
  );
}
