import { useEffect, useState } from 'preact/hooks';
import {
  CONNECTION_STATUSES,
  listConnectedAccounts,
  revokeConnectedAccount,
  type ConnectedAccount,
  type ConnectedAccountFilter,
  type ConnectionStatus,
} from '../api/connected-accounts';
import { ErrorText } from '../components/Banner';

type Page = { items: ConnectedAccount[]; next_cursor: string | null };

function RevokeOne({ projectId, account, onDone }: { projectId: string; account: ConnectedAccount; onDone: (message: string) => void }) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  if (account.status === 'revoked' || account.status === 'revoking') return <span>—</span>;
  if (!confirming) {
    return (
      <button type="button" onClick={() => setConfirming(true)} aria-label={`Revoke ${account.user_id} (${account.id})`}>
        Revoke
      </button>
    );
  }
  const confirm = async () => {
    setBusy(true);
    try {
      const result = await revokeConnectedAccount(projectId, account.id);
      onDone(`${account.user_id}: ${result.outcome.replaceAll('_', ' ')}${result.error_code ? ` (${result.error_code})` : ''}${result.job_id ? ` — job ${result.job_id}` : ''}`);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  };
  return (
    <span class="confirm-inline">
      <button type="button" class="danger" disabled={busy} onClick={() => void confirm()} aria-label={`Confirm revoking ${account.user_id}`}>
        {busy ? 'Revoking…' : 'Confirm revoke'}
      </button>
      <button type="button" disabled={busy} onClick={() => setConfirming(false)}>
        Keep
      </button>
      <ErrorText error={error} />
    </span>
  );
}

/** A project's connected accounts, filterable by status, toolkit and user, with revoke-one. */
export function ConnectedAccountsTable({ projectId, onChanged }: { projectId: string; onChanged: () => void }) {
  const [draft, setDraft] = useState<{ status: string; toolkit: string; user_id: string }>({ status: '', toolkit: '', user_id: '' });
  const [filter, setFilter] = useState<ConnectedAccountFilter>({});
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const [page, setPage] = useState<Page | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [reload, setReload] = useState(0);
  const cursor = cursors[cursors.length - 1];

  useEffect(() => {
    setError(null);
    listConnectedAccounts(projectId, filter, cursor).then(setPage, (e: unknown) => {
      setPage(null);
      setError(e);
    });
  }, [projectId, filter, cursor, reload]);

  const apply = (event: Event) => {
    event.preventDefault();
    const next: ConnectedAccountFilter = {};
    if (draft.status) next.status = draft.status as ConnectionStatus;
    if (draft.toolkit.trim()) next.toolkit = draft.toolkit.trim();
    if (draft.user_id.trim()) next.user_id = draft.user_id.trim();
    setFilter(next);
    setCursors([undefined]);
  };

  return (
    <section aria-labelledby="accounts-heading">
      <h2 id="accounts-heading">Connected accounts</h2>
      <form class="filters" onSubmit={apply} aria-label="Filter connected accounts">
        <div class="field">
          <label for="filter-status">Status</label>
          <select id="filter-status" value={draft.status} onChange={(e) => setDraft({ ...draft, status: e.currentTarget.value })}>
            <option value="">any</option>
            {CONNECTION_STATUSES.map((status) => (
              <option key={status} value={status}>
                {status}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="filter-toolkit">Toolkit</label>
          <input id="filter-toolkit" type="text" value={draft.toolkit} placeholder="e.g. google" onInput={(e) => setDraft({ ...draft, toolkit: e.currentTarget.value })} />
        </div>
        <div class="field">
          <label for="filter-user">User id</label>
          <input id="filter-user" type="text" value={draft.user_id} onInput={(e) => setDraft({ ...draft, user_id: e.currentTarget.value })} />
        </div>
        <button type="submit">Apply filters</button>
      </form>
      {message ? (
        <p class="notice" role="status">
          {message}
        </p>
      ) : null}
      <ErrorText error={error} />
      {page && page.items.length === 0 ? <p>No connected accounts match.</p> : null}
      {page && page.items.length > 0 ? (
        <div class="table-scroll">
          <table aria-label="Connected accounts">
            <thead>
              <tr>
                <th scope="col">Connection</th>
                <th scope="col">User</th>
                <th scope="col">Toolkit</th>
                <th scope="col">Scheme</th>
                <th scope="col">Status</th>
                <th scope="col">Updated</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((account) => (
                <tr key={account.id}>
                  <td class="mono">{account.id}</td>
                  <td>{account.user_id}</td>
                  <td>{account.toolkit}</td>
                  <td>{account.auth_scheme}</td>
                  <td>
                    <span class={`status status-${account.status}`}>{account.status.replace('_', ' ')}</span>
                  </td>
                  <td>{new Date(account.updated_at).toLocaleString()}</td>
                  <td>
                    <RevokeOne
                      projectId={projectId}
                      account={account}
                      onDone={(text) => {
                        setMessage(text);
                        setReload((n) => n + 1);
                        onChanged();
                      }}
                    />
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
