import type { ConnectionHealth } from '../api/connected-accounts';

/** Counts by status per auth config (GET .../connection_health), a row per connector. */
export function HealthPanel({ health }: { health: ConnectionHealth }) {
  if (health.items.length === 0) return <p>No connections yet.</p>;
  return (
    <div class="table-scroll">
      <table aria-label="Connection health">
        <thead>
          <tr>
            <th scope="col">Auth config</th>
            <th scope="col">Toolkit</th>
            <th scope="col">Active</th>
            <th scope="col">Needs re-auth</th>
            <th scope="col">Revoking</th>
            <th scope="col">Revoked</th>
          </tr>
        </thead>
        <tbody>
          {health.items.map((item) => (
            <tr key={item.auth_config_id} class={item.needs_reauth > 0 ? 'needs-reauth' : undefined}>
              <td class="mono">{item.auth_config_id}</td>
              <td>{item.toolkit}</td>
              <td>{item.active}</td>
              <td>{item.needs_reauth > 0 ? <strong>{item.needs_reauth}</strong> : item.needs_reauth}</td>
              <td>{item.revoking}</td>
              <td>{item.revoked}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
