import { useState } from 'preact/hooks';
import { setUpFirstOwner } from '../../api/account';
import { clearQueries } from '../../hooks/query';
import { byStatus, useAction } from '../../hooks/useAction';
import { navigate } from '../../router';
import { ErrorMessage } from '../../components/Loading';

/** The one-time token from `/setup#token=…` (in the fragment: never sent to a server or logged). */
function tokenFromUrl(): string {
  return new URLSearchParams(location.hash.slice(1)).get('token') ?? '';
}

const REFUSED: Record<number, string> = {
  401: 'This setup link is unknown or expired: restart the server and use the link it prints.',
  409: 'That email is already taken.',
  410: 'The first owner already exists: sign in instead.',
};

/** `/setup`: creates the instance's first owner with the link the server printed, then signs them in. */
export function Setup({ onSignedIn }: { onSignedIn: () => Promise<void> }) {
  const [token] = useState(tokenFromUrl);
  const [displayName, setDisplayName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const setUp = useAction();

  const submit = async (event: Event) => {
    event.preventDefault();
    await setUp.run(
      async () => {
        await setUpFirstOwner({ token, email: email.trim(), password, displayName: displayName.trim() });
        // The token is spent: drop it from the address bar and history.
        history.replaceState(null, '', '/setup');
        clearQueries();
        await onSignedIn();
        navigate('/', { replace: true });
      },
      { onError: byStatus(REFUSED) },
    );
  };

  return (
    <main id="main" class="narrow">
      <h1>Create the first owner</h1>
      {token === '' ? (
        <p role="alert" class="error">
          This page needs the link the server printed at its start (<code>…/setup#token=…</code>).
        </p>
      ) : (
        <form onSubmit={submit} class="stack card" aria-label="Create the first owner">
          <p class="hint">The owner may do everything, and invites everyone else.</p>
          <label for="setup-name">Your name</label>
          <input
            id="setup-name"
            required
            autoComplete="name"
            value={displayName}
            onInput={(event) => setDisplayName(event.currentTarget.value)}
          />
          <label for="setup-email">Email</label>
          <input
            id="setup-email"
            type="email"
            required
            autoComplete="username"
            value={email}
            onInput={(event) => setEmail(event.currentTarget.value)}
          />
          <label for="setup-password">Password (at least 8 characters)</label>
          <input
            id="setup-password"
            type="password"
            required
            minLength={8}
            autoComplete="new-password"
            value={password}
            onInput={(event) => setPassword(event.currentTarget.value)}
          />
          {setUp.error && <ErrorMessage error={setUp.error} />}
          <button type="submit" class="primary" disabled={setUp.busy}>
            {setUp.busy ? 'Creating…' : 'Create owner and sign in'}
          </button>
        </form>
      )}
    </main>
  );
}
