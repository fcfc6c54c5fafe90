import { useState } from 'preact/hooks';
import { ApiError } from '../api/client';
import { signIn, type ConsoleSession } from '../api/session';

/** The org admin token is sent once, to be exchanged for an HttpOnly cookie; it is never stored. */
export function SignInPage({ notice, onSignedIn }: { notice: string | null; onSignedIn: (session: ConsoleSession) => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const session = await signIn(token.trim());
      setToken('');
      onSignedIn(session);
    } catch (e) {
      setError(e instanceof ApiError && e.status === 401 ? 'That is not a valid org admin token.' : e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="sign-in">
      <h1>Sign in to the Apollo console</h1>
      {notice ? (
        <p class="notice" role="status">
          {notice}
        </p>
      ) : null}
      <form onSubmit={submit}>
        <label for="token">Org admin token</label>
        <input id="token" name="token" type="password" autocomplete="off" spellcheck={false} required value={token} onInput={(e) => setToken(e.currentTarget.value)} />
        <button type="submit" disabled={busy || token.trim() === ''}>
          Sign in
        </button>
      </form>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      <p class="hint">The token is exchanged for a session cookie; the console never keeps it.</p>
    </main>
  );
}
