import { endEverySession, endMySession, endSession, listMySessions, type Me, type MySession } from '../../api/account';
import { ErrorMessage, Loading } from '../../components/Loading';
import { invalidate, useQuery } from '../../hooks/query';
import { useAction } from '../../hooks/useAction';

const when = (iso: string) => new Date(iso).toLocaleString('en');

/** A short name for a browser from its User-Agent ("Chrome on Linux"), or the raw string when unknown. */
export function browserName(userAgent: string | null): string {
  if (!userAgent) return 'Unknown browser';
  const browser = /Edg\//.test(userAgent)
    ? 'Edge'
    : /Firefox\//.test(userAgent)
      ? 'Firefox'
      : /Chrome\/|Chromium\//.test(userAgent)
        ? 'Chrome'
        : /Safari\//.test(userAgent)
          ? 'Safari'
          : null;
  const system = /Android/.test(userAgent)
    ? 'Android'
    : /iPhone|iPad/.test(userAgent)
      ? 'iOS'
      : /Windows/.test(userAgent)
        ? 'Windows'
        : /Mac OS X|Macintosh/.test(userAgent)
          ? 'macOS'
          : /Linux/.test(userAgent)
            ? 'Linux'
            : null;
  if (!browser) return userAgent.slice(0, 80);
  return system ? `${browser} on ${system}` : browser;
}

function SessionRow({ session, onSignedOut }: { session: MySession; onSignedOut: () => void }) {
  const ending = useAction();
  const name = `${browserName(session.userAgent)}, signed in ${when(session.createdAt)}`;
  // Busy stays on after a success: the sign-in screen replaces this one, or the ended session leaves the list.
  const end = () =>
    ending.run(
      async () => {
        if (session.current) {
          await endSession();
          onSignedOut();
          return;
        }
        await endMySession(session.id);
        invalidate('me:sessions');
      },
      { keepBusy: true },
    );
  return (
    <li class={`card stack${session.current ? ' current-session' : ''}`}>
      <div class="row spread">
        <strong>{browserName(session.userAgent)}</strong>
        {session.current && <span class="pill pill-on">This browser</span>}
      </div>
      <span class="hint">
        Signed in {when(session.createdAt)} with {session.method}
        {session.ip && <> from {session.ip}</>}; last active {when(session.lastSeenAt)}
      </span>
      <div class="row">
        <button
          type="button"
          disabled={ending.busy}
          aria-label={session.current ? `Sign out here (${name})` : `Sign out ${name}`}
          onClick={() => void end()}
        >
          {session.current ? 'Sign out here' : 'Sign out'}
        </button>
      </div>
      {ending.error && <ErrorMessage error={ending.error} />}
    </li>
  );
}

/**
 * `/account/sessions`: where the signed-in person is signed in (this browser marked), signing out
 * one browser (a lost phone) or every one. A person signed in with a personal token has sessions
 * too; an API token has none.
 */
export function Sessions({ me, onSignedOut }: { me: Me; onSignedOut: () => void }) {
  const sessions = useQuery(me.user ? 'me:sessions' : null, listMySessions);
  // Its busy flag is not shown: the button stays enabled, as it always was.
  const signOutEverywhere = useAction();
  const everywhere = () =>
    signOutEverywhere.run(async () => {
      await endEverySession();
      onSignedOut();
    });
  return (
    <main id="main" class="stack">
      <h1>Your sessions</h1>
      {!me.user ? (
        <p>Signed in with an API token: there are no sessions to show.</p>
      ) : (
        <>
          <p class="hint">Every browser where you are signed in. Sign out one you no longer use or do not recognise.</p>
          {sessions.error ? (
            <ErrorMessage error={sessions.error} />
          ) : !sessions.data ? (
            <Loading what="sessions" />
          ) : (
            <ul class="plain-list stack" aria-label="Sessions">
              {sessions.data.map((session) => (
                <SessionRow key={session.id} session={session} onSignedOut={onSignedOut} />
              ))}
            </ul>
          )}
          <section class="card stack" aria-labelledby="everywhere-heading">
            <h2 id="everywhere-heading">Everywhere</h2>
            <p class="hint">Ends every session, this one included. Personal access tokens keep working.</p>
            <div class="row">
              <button type="button" class="danger" onClick={() => void everywhere()}>
                Sign out everywhere
              </button>
            </div>
            {signOutEverywhere.error && <ErrorMessage error={signOutEverywhere.error} />}
          </section>
        </>
      )}
    </main>
  );
}
