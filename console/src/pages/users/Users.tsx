import { useState } from 'preact/hooks';
import {
  createUser,
  endUserSessions,
  listUserSessions,
  listUsers,
  updateUser,
  type InstanceRole,
  type Me,
  type User,
} from '../../api/account';
import { ErrorMessage, Loading, Outcome } from '../../components/Loading';
import { invalidate, useQuery } from '../../hooks/query';
import { byStatus, useAction } from '../../hooks/useAction';
import { browserName } from '../account/Sessions';
import { useProjects } from '../../hooks/useProjects';
import { Link, e } from '../../router';

const roleLabel = (role: InstanceRole | null) => (role === null ? 'none (project roles only)' : role);

function CreateUser({ me }: { me: Me }) {
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<'' | InstanceRole>('');
  const [notice, setNotice] = useState<string | null>(null);
  const create = useAction();

  const submit = async (event: Event) => {
    event.preventDefault();
    await create.run(
      async () => {
        setNotice(null);
        const user = await createUser({
          email: email.trim(),
          displayName: displayName.trim(),
          ...(password ? { password } : {}),
          instanceRole: role || null,
        });
        invalidate('users');
        setEmail('');
        setDisplayName('');
        setPassword('');
        setNotice(`${user.displayName} (${user.email}) created.`);
      },
      { onError: byStatus({ 409: 'That email is already taken.' }) },
    );
  };

  return (
    <form class="card stack" onSubmit={submit} aria-labelledby="create-user-heading">
      <h2 id="create-user-heading">Add a person</h2>
      <label for="user-name">Name</label>
      <input id="user-name" required value={displayName} onInput={(ev) => setDisplayName(ev.currentTarget.value)} />
      <label for="user-email">Email</label>
      <input id="user-email" type="email" required value={email} onInput={(ev) => setEmail(ev.currentTarget.value)} />
      <label for="user-password">Initial password (leave empty for single sign-on only)</label>
      <input
        id="user-password"
        type="password"
        autoComplete="new-password"
        minLength={8}
        value={password}
        onInput={(ev) => setPassword(ev.currentTarget.value)}
      />
      <label for="user-role">Instance role</label>
      <select id="user-role" value={role} onChange={(ev) => setRole(ev.currentTarget.value as '' | InstanceRole)}>
        <option value="">None (give project roles under Members)</option>
        <option value="admin">Admin (every project)</option>
        {me.instanceRole === 'owner' && <option value="owner">Owner</option>}
      </select>
      <Outcome error={create.error} notice={notice} noticeClass="hint" />
      <div class="row">
        <button type="submit" class="primary" disabled={create.busy}>
          Add person
        </button>
      </div>
    </form>
  );
}

const when = (iso: string) => new Date(iso).toLocaleString('en');

/** Where a person is signed in (read when shown, and again after "Sign out everywhere"). */
function UserSessions({ user }: { user: User }) {
  const sessions = useQuery(`users:${user.id}:sessions`, () => listUserSessions(user.id));
  if (sessions.error) return <ErrorMessage error={sessions.error} />;
  if (!sessions.data) return <Loading what="sessions" />;
  if (sessions.data.length === 0) return <p class="hint">Not signed in anywhere.</p>;
  return (
    <ul class="plain-list stack" aria-label={`Sessions of ${user.email}`}>
      {sessions.data.map((session) => (
        <li key={session.id} class="hint">
          <strong>{browserName(session.userAgent)}</strong>: signed in {when(session.createdAt)} with {session.method}
          {session.ip && <> from {session.ip}</>}; last active {when(session.lastSeenAt)}
        </li>
      ))}
    </ul>
  );
}

function UserRow({ user, me }: { user: User; me: Me }) {
  const [ended, setEnded] = useState<string | null>(null);
  const [showSessions, setShowSessions] = useState(false);
  // One for every control of the row: any of them disables all.
  const action = useAction();
  const self = me.user?.id === user.id;
  const signOutEverywhere = () =>
    action.run(async () => {
      setEnded(null);
      const count = await endUserSessions(user.id);
      setEnded(`${user.email}: ${count} session${count === 1 ? '' : 's'} ended.`);
      invalidate(`users:${user.id}:sessions`);
    });
  const change = (body: { instanceRole?: InstanceRole | null; disabled?: boolean }) =>
    action.run(async () => {
      await updateUser(user.id, body);
      invalidate('users');
    });
  return (
    <li class="card stack">
      <div class="row spread">
        <strong>{user.displayName}</strong>
        {user.disabled && <span class="pill pill-killed">disabled</span>}
      </div>
      <span class="hint">
        {user.email}
        {self && ' (you)'}
      </span>
      <div class="row">
        <span class="hint">Instance role</span>
        <select
          aria-label={`Instance role of ${user.email}`}
          value={user.instanceRole ?? ''}
          disabled={action.busy || (user.instanceRole === 'owner' && me.instanceRole !== 'owner')}
          onChange={(ev) => void change({ instanceRole: (ev.currentTarget.value || null) as InstanceRole | null })}
        >
          <option value="">{roleLabel(null)}</option>
          <option value="admin">admin</option>
          {(me.instanceRole === 'owner' || user.instanceRole === 'owner') && <option value="owner">owner</option>}
        </select>
        <button
          type="button"
          class={user.disabled ? '' : 'danger'}
          disabled={action.busy || self}
          aria-label={`${user.disabled ? 'Enable' : 'Disable'} ${user.email}`}
          onClick={() => void change({ disabled: !user.disabled })}
        >
          {user.disabled ? 'Enable' : 'Disable'}
        </button>
        <button
          type="button"
          aria-expanded={showSessions}
          aria-label={`Sessions of ${user.email}`}
          onClick={() => setShowSessions(!showSessions)}
        >
          Sessions
        </button>
        {!self && (
          <button
            type="button"
            disabled={action.busy}
            aria-label={`Sign out everywhere: ${user.email}`}
            onClick={() => void signOutEverywhere()}
          >
            Sign out everywhere
          </button>
        )}
      </div>
      {showSessions && <UserSessions user={user} />}
      {ended && (
        <p role="status" class="notice">
          {ended}
        </p>
      )}
      {action.error && <ErrorMessage error={action.error} />}
    </li>
  );
}

/** `/users` (instance owners and admins): everyone, add a person, instance role, disable/enable. */
export function Users({ me }: { me: Me }) {
  const users = useQuery('users', listUsers);
  const projects = useProjects();
  return (
    <main id="main" class="stack">
      <h1>Users</h1>
      <CreateUser me={me} />
      <section class="stack" aria-labelledby="people-heading">
        <h2 id="people-heading">People</h2>
        {users.error ? <ErrorMessage error={users.error} /> : null}
        {users.data ? (
          <ul class="plain-list stack" aria-label="People">
            {users.data.map((user) => (
              <UserRow key={user.id} user={user} me={me} />
            ))}
          </ul>
        ) : (
          !users.error && <Loading what="people" />
        )}
      </section>
      <section class="stack" aria-labelledby="members-heading">
        <h2 id="members-heading">Project roles</h2>
        <p class="hint">Viewer, responder (kill and restore), editor or admin, per project:</p>
        {projects.error ? <ErrorMessage error={projects.error} /> : null}
        {!projects.data && !projects.error && <Loading what="projects" />}
        <ul class="plain-list row" aria-label="Project members">
          {projects.data?.map((project) => (
            <li key={project.key}>
              <Link href={`/projects/${e(project.key)}/members`}>Members of {project.key}</Link>
            </li>
          ))}
        </ul>
      </section>
    </main>
  );
}
