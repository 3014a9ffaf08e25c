import { useEffect, useState } from 'preact/hooks';
import { signInMethods, signInWithPassword, ssoUrl, type SignInMethods } from '../../api/account';
import { ApiError, messageOf } from '../../api/client';
import { listProjects } from '../../api/projects';
import { signIn, signOut } from '../../api/session';
import { clearQueries } from '../../hooks/query';
import { useAction } from '../../hooks/useAction';

/** What a failed sign-in says: the usual refusals in words, anything else as the server said it. */
function signInProblem(caught: unknown, tokenForm: boolean): string {
  if (caught instanceof ApiError) {
    if (caught.status === 401) return tokenForm ? 'Unknown or revoked token.' : 'Wrong email or password.';
    if (caught.status === 403 && tokenForm) return 'That is not an admin token.';
    if (caught.status === 429) return 'Too many failed attempts: wait a few minutes, then retry.';
    return caught.message;
  }
  return messageOf(caught);
}

/**
 * Sign-in: email and password (a cookie session), single sign-on when the server has it, and an
 * admin API token as a secondary option (embedded demo, automation). `onSignedIn` re-reads `/me`.
 */
export function SignIn({ onSignedIn }: { onSignedIn: () => Promise<void> }) {
  const [methods, setMethods] = useState<SignInMethods | null>(null);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [token, setToken] = useState('');
  const attempt = useAction();
  // Which form the last attempt came from: its failure is shown under that form only.
  const [form, setForm] = useState<'password' | 'token'>('password');

  useEffect(() => {
    signInMethods().then(setMethods, () => setMethods({ password: true, oidc: null }));
  }, []);

  const run = (from: 'password' | 'token', signInWith: () => Promise<void>) => async (event: Event) => {
    event.preventDefault();
    setForm(from);
    await attempt.run(
      async () => {
        await signInWith();
        clearQueries();
        await onSignedIn();
      },
      {
        onError: (caught) => {
          signOut();
          return signInProblem(caught, from === 'token');
        },
      },
    );
  };
  const error = attempt.error === null ? null : { form, text: attempt.error };
  const submitPassword = run('password', () => signInWithPassword(email.trim(), password));
  const submitToken = run('token', async () => {
    signIn(token);
    // An SDK token is authenticated too, but has no admin API: refuse it here (403), not screen by screen.
    await listProjects();
  });
  const sso = methods && ssoUrl(methods, location.pathname + location.search);

  return (
    <main id="main" class="narrow">
      <h1>Sign in to Switchyard</h1>
      <form onSubmit={submitPassword} class="stack card" aria-label="Sign in with email and password">
        <label for="email">Email</label>
        <input
          id="email"
          name="email"
          type="email"
          autoComplete="username"
          required
          value={email}
          onInput={(event) => setEmail(event.currentTarget.value)}
        />
        <label for="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onInput={(event) => setPassword(event.currentTarget.value)}
        />
        {error?.form === 'password' && (
          <p role="alert" class="error">
            {error.text}
          </p>
        )}
        <button type="submit" class="primary" disabled={attempt.busy}>
          {attempt.busy ? 'Signing in…' : 'Sign in'}
        </button>
        {sso && (
          <a class="button" href={sso}>
            {methods.oidc!.name}
          </a>
        )}
      </form>
      <details class="card">
        <summary>Use an API token instead</summary>
        <form onSubmit={submitToken} class="stack" aria-label="Sign in with an API token">
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
          {error?.form === 'token' && (
            <p role="alert" class="error">
              {error.text}
            </p>
          )}
          <button type="submit" disabled={attempt.busy || token.trim() === ''}>
            Sign in with the token
          </button>
        </form>
      </details>
    </main>
  );
}
