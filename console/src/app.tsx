import { useEffect, useState } from 'preact/hooks';
import { adminStream } from './api/admin-stream';
import { setUnauthorizedHandler } from './api/client';
import { connectEvents } from './api/events';
import { isSignedIn, signOut } from './api/session';
import { clearQueries } from './hooks/query';
import { useFlag } from './hooks/useFlags';
import { FlagDetail } from './pages/flags/FlagDetail';
import { FlagList } from './pages/flags/FlagList';
import { AuditLog } from './pages/audit/AuditLog';
import { Home } from './pages/home/Home';
import { Tokens } from './pages/tokens/Tokens';
import { SignIn } from './pages/sign-in/SignIn';
import { Link, e, match, navigate, useLocation } from './router';

/** The routes. Project, flag and environment live in the path; search and filters in the query. */
function Page({ url }: { url: URL }) {
  const query = (name: string) => url.searchParams.get(name) ?? '';
  const path = url.pathname;
  let params = match('/', path);
  if (params) return <Home q={query('q')} />;
  if (path === '/audit') return <AuditLog search={url.searchParams} />;
  if (path === '/tokens') return <Tokens />;
  params = match('/projects/:project/flags', path);
  if (params) return <FlagList key={params.project} project={params.project!} search={url.searchParams} />;
  params = match('/projects/:project/flags/:flag/environments/:environment', path);
  if (params) {
    // Keyed: another flag or environment is a fresh screen (no notice or conflict carried over).
    const { project, flag, environment } = params as { project: string; flag: string; environment: string };
    return (
      <FlagDetail key={`${project}/${flag}/${environment}`} project={project} flag={flag} environment={environment} />
    );
  }
  params = match('/projects/:project/flags/:flag', path);
  if (params) return <FirstEnvironment project={params.project!} flag={params.flag!} />;
  params = match('/projects/:project', path);
  if (params) return <Redirect to={`/projects/${e(params.project!)}/flags`} />;
  return (
    <main id="main">
      <h1>Page not found</h1>
      <p>
        Nothing here. <Link href="/">Go to the incident search</Link>.
      </p>
    </main>
  );
}

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

/** `/projects/p/flags/f` opens the flag in its first environment. */
function FirstEnvironment({ project, flag }: { project: string; flag: string }) {
  const summary = useFlag(project, flag);
  const first = summary.data?.environments[0]?.environment;
  useEffect(() => {
    if (first) navigate(`/projects/${e(project)}/flags/${e(flag)}/environments/${e(first)}`, { replace: true });
  }, [first, project, flag]);
  return (
    <main id="main">
      <h1>{flag}</h1>
      <p role="status">
        {summary.error
          ? 'Could not load the flag.'
          : first === undefined && summary.data
            ? 'This project has no environments.'
            : 'Loading…'}
      </p>
    </main>
  );
}

export function App() {
  const url = useLocation();
  const [signedIn, setSignedIn] = useState(isSignedIn());
  useEffect(() => setUnauthorizedHandler(() => setSignedIn(false)), []);
  // Live updates while signed in: changes made elsewhere refetch what they affect.
  useEffect(() => {
    if (!signedIn) return;
    connectEvents(adminStream());
    return () => connectEvents(null);
  }, [signedIn]);
  const leave = () => {
    signOut();
    clearQueries();
    setSignedIn(false);
  };
  return (
    <>
      <a href="#main" class="skip-link">
        Skip to content
      </a>
      <header class="top">
        <Link href="/" class="brand">
          Switchyard
        </Link>
        {signedIn && (
          <nav aria-label="Main">
            <Link href="/">Incident search</Link>
            <Link href="/audit">Audit log</Link>
            <Link href="/tokens">Tokens</Link>
            <button type="button" class="link" onClick={leave}>
              Sign out
            </button>
          </nav>
        )}
      </header>
      {signedIn ? <Page url={url} /> : <SignIn onSignedIn={() => setSignedIn(true)} />}
    </>
  );
}
