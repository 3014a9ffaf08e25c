import { useState } from 'preact/hooks';
import { ApiError } from '../../api/client';
import { listProjects } from '../../api/projects';
import { signIn, signOut } from '../../api/session';
import { clearQueries } from '../../hooks/query';

/**
 * Sign-in with an admin API token (accounts come later): the token is checked against the API,
 * then kept in sessionStorage for this tab only.
 */
export function SignIn({ onSignedIn }: { onSignedIn: () => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    signIn(token);
    try {
      await listProjects();
      clearQueries();
      onSignedIn();
    } catch (caught) {
      signOut();
      if (caught instanceof ApiError && caught.status === 403) setError('That is not an admin token.');
      else if (caught instanceof ApiError && caught.status === 401) setError('Unknown or revoked token.');
      else setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" class="narrow">
      <h1>Sign in to Switchyard</h1>
      <form onSubmit={submit} class="stack card">
        <label for="token">Admin API token</label>
        <input
          id="token"
          name="token"
          type="password"
          autoComplete="off"
          required
          value={token}
          onInput={(event) => setToken(event.currentTarget.value)}
          aria-describedby="token-hint"
        />
        <p id="token-hint" class="hint">
          The <code>sy_admin_…</code> token the server printed at its first start (or your{' '}
          <code>SWITCHYARD_ADMIN_TOKEN</code>). It stays in this tab only.
        </p>
        {error && (
          <p role="alert" class="error">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy || token.trim() === ''}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
