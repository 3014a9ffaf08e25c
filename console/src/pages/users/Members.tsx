import { useState } from 'preact/hooks';
import {
  PROJECT_ROLES,
  listMembers,
  listUsers,
  putMember,
  removeMember,
  type Me,
  type Member,
  type ProjectRole,
} from '../../api/account';
import { ErrorMessage, Loading } from '../../components/Loading';
import { invalidate, useQuery } from '../../hooks/query';
import { useAction } from '../../hooks/useAction';

/** Whether `me` may change this project's members (project admins, instance owners and admins). */
function managesMembers(me: Me, project: string): boolean {
  if (me.instanceRole) return true;
  return me.grants.some((grant) => (grant.project === project || grant.project === '*') && grant.role === 'admin');
}

function MemberRow({ project, member, editable }: { project: string; member: Member; editable: boolean }) {
  // One for the role and Remove: either disables both.
  const action = useAction();
  const run = (work: () => Promise<void>) =>
    action.run(async () => {
      await work();
      invalidate(`members:${project}`);
    });
  return (
    <li class="card stack">
      <strong>{member.user.displayName}</strong>
      <span class="hint">{member.user.email}</span>
      <div class="row">
        <select
          aria-label={`Role of ${member.user.email} in ${project}`}
          value={member.role}
          disabled={!editable || action.busy}
          onChange={(ev) => void run(() => putMember(project, member.user.id, ev.currentTarget.value as ProjectRole))}
        >
          {PROJECT_ROLES.map((role) => (
            <option key={role} value={role}>
              {role}
            </option>
          ))}
        </select>
        {editable && (
          <button
            type="button"
            class="danger"
            disabled={action.busy}
            aria-label={`Remove ${member.user.email} from ${project}`}
            onClick={() => void run(() => removeMember(project, member.user.id))}
          >
            Remove
          </button>
        )}
      </div>
      {action.error && <ErrorMessage error={action.error} />}
    </li>
  );
}

function AddMember({ project, members }: { project: string; members: Member[] }) {
  const users = useQuery('users', listUsers);
  const [userId, setUserId] = useState('');
  const [role, setRole] = useState<ProjectRole>('viewer');
  const add = useAction();
  const candidates = (users.data ?? []).filter(
    (user) => !user.disabled && !members.some((member) => member.user.id === user.id),
  );
  const submit = async (event: Event) => {
    event.preventDefault();
    await add.run(async () => {
      await putMember(project, userId, role);
      invalidate(`members:${project}`);
      setUserId('');
    });
  };
  return (
    <form class="card stack" onSubmit={submit} aria-labelledby="add-member-heading">
      <h2 id="add-member-heading">Add a member</h2>
      {users.error ? <ErrorMessage error={users.error} /> : null}
      <label for="member-user">Person</label>
      <select id="member-user" required value={userId} onChange={(ev) => setUserId(ev.currentTarget.value)}>
        <option value="">Choose a person…</option>
        {candidates.map((user) => (
          <option key={user.id} value={user.id}>
            {user.displayName} ({user.email})
          </option>
        ))}
      </select>
      <label for="member-role">Role</label>
      <select id="member-role" value={role} onChange={(ev) => setRole(ev.currentTarget.value as ProjectRole)}>
        {PROJECT_ROLES.map((r) => (
          <option key={r} value={r}>
            {r}
          </option>
        ))}
      </select>
      {add.error && <ErrorMessage error={add.error} />}
      <div class="row">
        <button type="submit" class="primary" disabled={add.busy || userId === ''}>
          Add member
        </button>
      </div>
    </form>
  );
}

/** `/projects/:project/members`: who has which role in the project; admins add, change and remove. */
export function Members({ project, me }: { project: string; me: Me }) {
  const members = useQuery(`members:${project}`, () => listMembers(project));
  const editable = managesMembers(me, project);
  return (
    <main id="main" class="stack">
      <h1>{project}: members</h1>
      <p class="hint">
        Viewers read; responders also kill and restore; editors also change flags and segments; admins also manage the
        project and its members.
      </p>
      {editable && members.data && <AddMember project={project} members={members.data} />}
      {members.error ? <ErrorMessage error={members.error} /> : null}
      {members.data ? (
        members.data.length === 0 ? (
          <p>No members yet.</p>
        ) : (
          <ul class="plain-list stack" aria-label="Members">
            {members.data.map((member) => (
              <MemberRow key={member.user.id} project={project} member={member} editable={editable} />
            ))}
          </ul>
        )
      ) : (
        !members.error && <Loading what="members" />
      )}
    </main>
  );
}
