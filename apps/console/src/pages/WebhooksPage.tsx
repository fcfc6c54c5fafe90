import { useEffect, useState } from 'preact/hooks';
import { ALL_EVENTS, EVENT_TYPES } from '@at/common/events';
import { getProject, type Project } from '../api/projects';
import {
  createEndpoint,
  deleteEndpoint,
  DELIVERY_STATUSES,
  listAllEndpoints,
  listDeliveries,
  retryDelivery,
  rotateSecret,
  type DeliveryStatus,
  type EventName,
  type WebhookDelivery,
  type WebhookEndpoint,
} from '../api/webhooks';
import { ErrorText } from '../components/Banner';

/**
 * The secret of an endpoint, shown once: right after it was created or rotated. It lives in this
 * component's state only; dismissing it (or leaving the page) forgets it, and apollo never shows it again.
 */
function SecretOnce({ secret, endpointId, onDone }: { secret: string; endpointId: string; onDone: () => void }) {
  return (
    <div class="notice secret" role="status" aria-label="Signing secret">
      <p>
        The signing secret of <span class="mono">{endpointId}</span>. Copy it now: it is not shown again.
      </p>
      <input class="mono" readOnly aria-label="Signing secret (shown once)" value={secret} size={48} onFocus={(e) => e.currentTarget.select()} />
      <button type="button" onClick={onDone}>
        I have stored it
      </button>
    </div>
  );
}

function CreateEndpointForm({ projectId, onCreated }: { projectId: string; onCreated: (endpoint: WebhookEndpoint, secret: string) => void }) {
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [events, setEvents] = useState<EventName[]>([ALL_EVENTS]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const toggle = (event: EventName, on: boolean) => {
    if (event === ALL_EVENTS) return setEvents(on ? [ALL_EVENTS] : []);
    setEvents((current) => (on ? [...current.filter((e) => e !== ALL_EVENTS), event] : current.filter((e) => e !== event)));
  };
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const { secret, ...endpoint } = await createEndpoint(projectId, { url: url.trim(), events, ...(description.trim() ? { description: description.trim() } : {}) });
      setUrl('');
      setDescription('');
      setEvents([ALL_EVENTS]);
      onCreated(endpoint, secret);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      class="revoke-form"
      aria-labelledby="create-endpoint-heading"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h2 id="create-endpoint-heading">Add an endpoint</h2>
      <div class="field">
        <label for="endpoint-url">URL</label>
        <input id="endpoint-url" type="url" required size={48} value={url} onInput={(e) => setUrl(e.currentTarget.value)} />
      </div>
      <div class="field">
        <label for="endpoint-description">Description (optional)</label>
        <input id="endpoint-description" size={48} maxLength={256} value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
      </div>
      <fieldset>
        <legend>Events</legend>
        {([ALL_EVENTS, ...EVENT_TYPES] as EventName[]).map((event) => (
          <label class="radio" key={event}>
            <input type="checkbox" checked={events.includes(event)} onChange={(e) => toggle(event, e.currentTarget.checked)} />
            {event === ALL_EVENTS ? 'all events (*)' : event}
          </label>
        ))}
      </fieldset>
      <button type="submit" disabled={busy || events.length === 0 || url.trim() === ''}>
        {busy ? 'Creating…' : 'Create endpoint'}
      </button>
      <ErrorText error={error} />
    </form>
  );
}

function DeliveryLog({ projectId, endpoint }: { projectId: string; endpoint: WebhookEndpoint }) {
  const [status, setStatus] = useState<DeliveryStatus | ''>('');
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const [page, setPage] = useState<{ items: WebhookDelivery[]; next_cursor: string | null } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [changes, setChanges] = useState(0);
  const cursor = cursors[cursors.length - 1];
  useEffect(() => {
    listDeliveries(projectId, endpoint.id, status || undefined, cursor).then(setPage, setError);
  }, [projectId, endpoint.id, status, cursor, changes]);
  const retry = async (delivery: WebhookDelivery) => {
    setError(null);
    try {
      await retryDelivery(projectId, endpoint.id, delivery.id);
      setNotice(`Delivery ${delivery.id} queued again.`);
      setChanges((n) => n + 1);
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section aria-labelledby="deliveries-heading">
      <h2 id="deliveries-heading">Delivery log of {endpoint.url}</h2>
      <div class="filters">
        <div class="field inline">
          <label for="delivery-status">Status</label>
          <select
            id="delivery-status"
            value={status}
            onChange={(e) => {
              setStatus(e.currentTarget.value as DeliveryStatus | '');
              setCursors([undefined]);
            }}
          >
            <option value="">all</option>
            {DELIVERY_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
        <button type="button" onClick={() => setChanges((n) => n + 1)}>
          Refresh
        </button>
      </div>
      {notice ? (
        <p class="notice" role="status">
          {notice}
        </p>
      ) : null}
      <ErrorText error={error} />
      {page && page.items.length === 0 ? <p>No deliveries{status ? ` with status ${status}` : ''}.</p> : null}
      {page && page.items.length > 0 ? (
        <div class="table-scroll">
          <table aria-label="Deliveries">
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Status</th>
                <th scope="col">Attempts</th>
                <th scope="col">Last answer</th>
                <th scope="col">Connection</th>
                <th scope="col">Created</th>
                <th scope="col">Action</th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((d) => (
                <tr key={d.id}>
                  <td>
                    {d.event_type}
                    <div class="mono muted">{d.event_id}</div>
                  </td>
                  <td>
                    <span class={`status status-${d.status}`}>{d.status}</span>
                  </td>
                  <td>{d.attempts}</td>
                  <td>{d.last_status !== null ? `HTTP ${d.last_status}` : (d.last_error ?? '—')}</td>
                  <td class="mono">{d.connected_account_id ?? '—'}</td>
                  <td>{new Date(d.created_at).toLocaleString()}</td>
                  <td>
                    {d.status === 'pending' ? (
                      <span class="muted">{d.next_attempt_at ? `next ${new Date(d.next_attempt_at).toLocaleTimeString()}` : 'queued'}</span>
                    ) : (
                      <button type="button" aria-label={`Retry delivery ${d.id}`} onClick={() => void retry(d)}>
                        Retry
                      </button>
                    )}
                  </td>
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

function EndpointActions({ projectId, endpoint, onRotated, onDeleted }: { projectId: string; endpoint: WebhookEndpoint; onRotated: (secret: string) => void; onDeleted: () => void }) {
  const [confirming, setConfirming] = useState<'rotate' | 'delete' | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      if (confirming === 'rotate') onRotated((await rotateSecret(projectId, endpoint.id)).secret);
      else {
        await deleteEndpoint(projectId, endpoint.id);
        onDeleted();
      }
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
      setConfirming(null);
    }
  };
  if (confirming) {
    return (
      <span class="confirm-inline" role="group" aria-label={`Confirm ${confirming} of ${endpoint.url}`}>
        <button type="button" class="danger" disabled={busy} onClick={() => void run()}>
          {confirming === 'rotate' ? 'Confirm rotate' : 'Confirm delete'}
        </button>
        <button type="button" disabled={busy} onClick={() => setConfirming(null)}>
          Keep
        </button>
      </span>
    );
  }
  return (
    <span class="confirm-inline">
      <button type="button" aria-label={`Rotate the secret of ${endpoint.url}`} onClick={() => setConfirming('rotate')}>
        Rotate secret
      </button>
      <button type="button" aria-label={`Delete ${endpoint.url}`} onClick={() => setConfirming('delete')}>
        Delete
      </button>
      <ErrorText error={error} />
    </span>
  );
}

/** A project's webhook endpoints: add (the secret shown once), rotate, delete, and each one's delivery log. */
export function WebhooksPage({ projectId }: { projectId: string }) {
  const [project, setProject] = useState<Project | null>(null);
  const [endpoints, setEndpoints] = useState<WebhookEndpoint[] | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [secret, setSecret] = useState<{ endpointId: string; value: string } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [changes, setChanges] = useState(0);
  useEffect(() => {
    getProject(projectId).then(setProject, setError);
  }, [projectId]);
  useEffect(() => {
    listAllEndpoints(projectId).then((list) => {
      setEndpoints(list);
      setSelected((current) => (current && list.some((e) => e.id === current) ? current : (list[0]?.id ?? null)));
    }, setError);
  }, [projectId, changes]);
  const endpoint = endpoints?.find((e) => e.id === selected);
  return (
    <>
      <h1 tabIndex={-1}>Webhook endpoints{project ? ` of ${project.name}` : ''}</h1>
      <p>
        <a href={`#/projects/${projectId}`}>Back to the project</a>
      </p>
      <ErrorText error={error} />
      {secret ? <SecretOnce secret={secret.value} endpointId={secret.endpointId} onDone={() => setSecret(null)} /> : null}
      {endpoints === null ? <p>Loading…</p> : null}
      {endpoints && endpoints.length === 0 ? <p>No webhook endpoints yet.</p> : null}
      {endpoints && endpoints.length > 0 ? (
        <div class="table-scroll">
          <table aria-label="Webhook endpoints">
            <thead>
              <tr>
                <th scope="col">Endpoint</th>
                <th scope="col">Events</th>
                <th scope="col">State</th>
                <th scope="col">Created</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {endpoints.map((e) => (
                <tr key={e.id} class={e.id === selected ? 'selected' : undefined}>
                  <td>
                    <button type="button" class="link" aria-pressed={e.id === selected} onClick={() => setSelected(e.id)} aria-label={`Show the delivery log of ${e.url}`}>
                      {e.url}
                    </button>
                    <div class="mono muted">{e.id}</div>
                    {e.description ? <div class="muted">{e.description}</div> : null}
                  </td>
                  <td>{e.events.join(', ')}</td>
                  <td>
                    {e.disabled ? (
                      <span class="status status-failed">disabled{e.disabled.reason ? `: ${e.disabled.reason}` : ''}</span>
                    ) : (
                      <span class="status status-active">active</span>
                    )}
                    {e.previous_secret_expires_at ? <div class="muted">old secret signs until {new Date(e.previous_secret_expires_at).toLocaleString()}</div> : null}
                  </td>
                  <td>{new Date(e.created_at).toLocaleString()}</td>
                  <td>
                    <EndpointActions
                      projectId={projectId}
                      endpoint={e}
                      onRotated={(value) => {
                        setSecret({ endpointId: e.id, value });
                        setChanges((n) => n + 1);
                      }}
                      onDeleted={() => {
                        if (secret?.endpointId === e.id) setSecret(null);
                        setChanges((n) => n + 1);
                      }}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {endpoint ? <DeliveryLog key={endpoint.id} projectId={projectId} endpoint={endpoint} /> : null}
      <CreateEndpointForm
        projectId={projectId}
        onCreated={(created, value) => {
          setSecret({ endpointId: created.id, value });
          setSelected(created.id);
          setChanges((n) => n + 1);
        }}
      />
    </>
  );
}
