import { useEffect, useState } from 'preact/hooks';
import { adminStream } from './api/admin-stream';
import { setUnauthorizedHandler } from './api/client';
import { connectEvents } from './api/events';
import { fetchMe, type Me } from './api/account';
import { signOut } from './api/session';
import { clearQueries } from './hooks/query';
import { useFlag } from './hooks/useFlags';
import { FlagDetail } from './pages/flags/FlagDetail';
import { FlagList } from './pages/flags/FlagList';
import { AuditLog } from './pages/audit/AuditLog';
import { Home } from './pages/home/Home';
import { Tokens } from './pages/tokens/Tokens';
import { SignIn } from './pages/sign-in/SignIn';
import { Setup } from './pages/setup/Setup';
import { Users } from './pages/users/Users';
import { Members } from './pages/users/Members';
import { PersonalTokens } from './pages/account/PersonalTokens';
import { Segments } from './pages/segments/Segments';
import { Projects } from './pages/projects/Projects';
import { Sessions } from './pages/account/Sessions';
import { Environments } from './pages/projects/Environments';
import { SegmentDetail } from './pages/segments/SegmentDetail';
import { AccountMenu } from './components/AccountMenu';
import { Link, e, match, navigate, useLocation } from './router';

/** The routes. Project, flag and environment live in the path; search and filters in the query. */
function Page({ url, me, onSignedOut }: { url: URL; me: Me; onSignedOut: () => void }) {
  const query = (name: string) => url.searchParams.get(name) ?? '';
  const path = url.pathname;
  let params = match('/', path);
  if (params) return <Home q={query('q')} />;
  if (path === '/audit') return <AuditLog search={url.searchParams} />;
  if (path === '/tokens') return <Tokens />;
  if (path === '/users') return <Users me={me} />;
  if (path === '/account/tokens') return <PersonalTokens me={me} />;
  if (path === '/account/sessions') return <Sessions me={me} onSignedOut={onSignedOut} />;
  params = match('/projects/:project/members', path);
  if (params) return <Members key={params.project} project={params.project!} me={me} />;
  if (path === '/projects') return <Projects me={me} />;
  params = match('/projects/:project/environments', path);
  if (params) return <Environments key={params.project} project={params.project!} me={me} />;
  params = match('/projects/:project/segments', path);
  if (params) return <Segments key={params.project} project={params.project!} me={me} />;
  params = match('/projects/:project/segments/:segment', path);
  if (params) {
    const { project, segment } = params as { project: string; segment: string };
    return <SegmentDetail key={`${project}/${segment}`} project={project} segment={segment} me={me} />;
  }
  params = match('/projects/:project/flags', path);
  if (params) return <FlagList key={params.project} project={params.project!} search={url.searchParams} />;
  params = match('/projects/:project/flags/:flag/environments/:environment', path);
  if (params) {
    // Keyed: another flag or environment is a fresh screen (no notice or conflict carried over).
    const { project, flag, environment } = params as { project: string; flag: string; environment: string };
    return (
      <FlagDetail
        key={`${project}/${flag}/${environment}`}
        project={project}
        flag={flag}
        environment={environment}
        me={me}
      />
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

/** Whether the people screens apply: users exist only for a session or a personal token's user. */
export function canManageUsers(me: Me): boolean {
  return me.instanceRole === 'owner' || me.instanceRole === 'admin';
}

export function App() {
  const url = useLocation();
  // undefined: asking the server (`GET /me` with the cookie or the tab's token); null: signed out.
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const refresh = async () => setMe(await fetchMe());
  useEffect(() => {
    setUnauthorizedHandler(() => setMe(null));
    fetchMe().then(setMe, () => setMe(null));
  }, []);
  // Live updates while signed in: changes made elsewhere (any replica) refetch what they affect. The
  // admin event stream sends each caller the changes of the projects they may read.
  const liveUpdates = !!me;
  useEffect(() => {
    if (!liveUpdates) return;
    connectEvents(adminStream());
    return () => connectEvents(null);
  }, [liveUpdates]);
  const leave = () => {
    signOut();
    clearQueries();
    setMe(null);
  };
  let content;
  if (me === undefined)
    content = (
      <main id="main">
        <p role="status">Loading…</p>
      </main>
    );
  else if (url.pathname === '/setup' && !me) content = <Setup onSignedIn={refresh} />;
  else if (me) content = <Page url={url} me={me} onSignedOut={leave} />;
  else content = <SignIn onSignedIn={refresh} />;
  return (
    <>
      <a href="#main" class="skip-link">
        Skip to content
      </a>
      <header class="top">
        <Link href="/" class="brand">
          Switchyard
        </Link>
        {me && (
          <nav aria-label="Main">
            <Link href="/">Incident search</Link>
            <Link href="/projects">Projects</Link>
            <Link href="/audit">Audit log</Link>
            <Link href="/tokens">Tokens</Link>
            {canManageUsers(me) && <Link href="/users">Users</Link>}
            <AccountMenu me={me} onSignedOut={leave} />
          </nav>
        )}
      </header>
      {content}
    </>
  );
}
