import { useState } from 'preact/hooks';
import { endEverySession, endSession, type Me } from '../api/account';
import { messageOf } from '../api/client';
import { Link } from '../router';
import { ErrorMessage } from './Loading';

/**
 * The signed-in person's menu (a native disclosure: keyboard and screen readers for free): their
 * personal tokens, sign out, and sign out everywhere (every browser of theirs, every replica).
 */
export function AccountMenu({ me, onSignedOut }: { me: Me; onSignedOut: () => void }) {
  const [error, setError] = useState<string | null>(null);
  const session = me.principal.via === 'session';
  const leave = (end: () => Promise<unknown>) => async () => {
    setError(null);
    try {
      // A token sign-in has no server session: forgetting the token is the sign-out.
      if (session) await end();
      onSignedOut();
    } catch (caught) {
      setError(messageOf(caught));
    }
  };
  return (
    <details class="account-menu">
      <summary aria-label={`Account: ${me.principal.display}`}>{me.principal.display}</summary>
      <div class="account-menu-items stack card">
        {me.user && <Link href="/account/tokens">Personal tokens</Link>}
        {me.user && <Link href="/account/sessions">Sessions</Link>}
        <button type="button" onClick={leave(endSession)}>
          Sign out
        </button>
        {session && (
          <button type="button" onClick={leave(endEverySession)}>
            Sign out everywhere
          </button>
        )}
        {error && <ErrorMessage error={error} />}
      </div>
    </details>
  );
}
