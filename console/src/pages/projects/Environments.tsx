import { useEffect, useState } from 'preact/hooks';
import type { Me } from '../../api/account';
import { messageOf } from '../../api/client';
import {
  createEnvironment,
  deleteEnvironment,
  updateEnvironment,
  type Environment,
  type ProtectedRole,
} from '../../api/projects';
import { hasRole } from '../../api/rights';
import { DeleteButton } from '../../components/DeleteButton';
import { KeyNameFields } from '../../components/KeyNameFields';
import { ErrorMessage, Loading, Outcome } from '../../components/Loading';
import { RenameButton } from '../../components/RenameButton';
import { invalidate } from '../../hooks/query';
import { byStatus, useAction } from '../../hooks/useAction';
import { useProject } from '../../hooks/useProjects';
import { Link, e } from '../../router';

/** After an environment write: the project (its environments), the project lists, the flag screens' tabs. */
function invalidateProject(project: string): void {
  invalidate('project');
  invalidate(`flags:${project}:`);
}

function protectionText(environment: Environment): string {
  return environment.protected
    ? `Protected: configuration changes need ${environment.protectedRole}; responders can still kill and restore.`
    : 'Not protected: editors change configurations.';
}

/** One environment: its protection, changeable by project admins only (the server enforces it too). */
function EnvironmentRow({
  project,
  environment,
  canAdmin,
}: {
  project: string;
  environment: Environment;
  canAdmin: boolean;
}) {
  const update = useAction();
  const id = `env-${environment.key}`;
  // Shown at once as chosen (the control follows the click), the server's answer then confirms or reverts it.
  const [shown, setShown] = useState({ protected: environment.protected, protectedRole: environment.protectedRole });
  useEffect(
    () => setShown({ protected: environment.protected, protectedRole: environment.protectedRole }),
    [environment.protected, environment.protectedRole],
  );
  const change = (body: { protected?: boolean; protectedRole?: ProtectedRole }) =>
    update.run(
      async () => {
        setShown({ ...shown, ...body });
        await updateEnvironment(project, environment.key, body);
        invalidateProject(project);
      },
      {
        onError: (caught) => {
          setShown({ protected: environment.protected, protectedRole: environment.protectedRole });
          return messageOf(caught);
        },
      },
    );
  return (
    <li class="card stack">
      <div class="row spread">
        <strong>
          {environment.name} <span class="hint">({environment.key})</span>
        </strong>
        {environment.protected && <span class="pill pill-killed">protected</span>}
      </div>
      <p class="hint">{protectionText(environment)}</p>
      {canAdmin && (
        <div class="row">
          <label class="check">
            <input
              type="checkbox"
              checked={shown.protected}
              disabled={update.busy}
              onChange={(event) => void change({ protected: event.currentTarget.checked })}
            />{' '}
            Protect {environment.key}
          </label>
          <label for={`${id}-role`}>Role needed in {environment.key}</label>
          <select
            id={`${id}-role`}
            value={shown.protectedRole}
            disabled={update.busy || !shown.protected}
            onChange={(event) => void change({ protectedRole: event.currentTarget.value as ProtectedRole })}
          >
            <option value="editor">editor</option>
            <option value="admin">admin</option>
          </select>
        </div>
      )}
      {canAdmin && (
        <div class="row">
          <RenameButton
            kind="environment"
            itemKey={environment.key}
            name={environment.name}
            rename={async (name) => {
              await updateEnvironment(project, environment.key, { name });
              invalidateProject(project);
            }}
          />
          <DeleteButton
            kind="environment"
            itemKey={environment.key}
            remove={(force) => deleteEnvironment(project, environment.key, force)}
            onDeleted={() => invalidateProject(project)}
          >
            <p>
              Environment <strong>{environment.name}</strong> ({environment.key}) of project {project} goes with every
              flag’s configuration in it and its tokens: SDKs using those tokens are refused and their streams end.
            </p>
            {environment.protected && (
              <p>
                It is protected, but protection guards configuration changes, not deletion: project admins may delete
                it.
              </p>
            )}
          </DeleteButton>
        </div>
      )}
      {update.error && <ErrorMessage error={update.error} />}
    </li>
  );
}

function CreateEnvironment({ project }: { project: string }) {
  const [key, setKey] = useState('');
  const [name, setName] = useState('');
  const [protect, setProtect] = useState(false);
  const [role, setRole] = useState<ProtectedRole>('admin');
  const create = useAction();
  const [notice, setNotice] = useState<string | null>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    await create.run(
      async () => {
        setNotice(null);
        const created = await createEnvironment(project, {
          key: key.trim(),
          name: name.trim(),
          protected: protect,
          protectedRole: role,
        });
        invalidateProject(project);
        setKey('');
        setName('');
        setProtect(false);
        setRole('admin');
        setNotice(`Environment ${created.key} created.`);
      },
      { onError: byStatus({ 409: `An environment with the key “${key.trim()}” already exists.` }) },
    );
  };
  return (
    <form class="card stack" onSubmit={submit} aria-labelledby="create-environment-heading">
      <h2 id="create-environment-heading">New environment</h2>
      <KeyNameFields
        idPrefix="environment"
        keyValue={key}
        name={name}
        onKey={setKey}
        onName={setName}
        keyHint="Permanent. a–z, 0–9, - and _ (up to 63). Every flag gets a disabled configuration in it."
      />
      <label class="check">
        <input type="checkbox" checked={protect} onChange={(event) => setProtect(event.currentTarget.checked)} />{' '}
        Protected (e.g. production)
      </label>
      <label for="environment-role">Configuration changes need</label>
      <select
        id="environment-role"
        value={role}
        disabled={!protect}
        onChange={(event) => setRole(event.currentTarget.value as ProtectedRole)}
      >
        <option value="editor">editor</option>
        <option value="admin">admin</option>
      </select>
      <Outcome error={create.error} notice={notice} />
      <div class="row">
        <button type="submit" class="primary" disabled={create.busy}>
          Create environment
        </button>
      </div>
    </form>
  );
}

/**
 * `/projects/:project/environments`: the project's environments and their protection. Project
 * admins (and instance admins) create, rename and delete environments and change protection;
 * others see them only.
 */
export function Environments({ project, me }: { project: string; me: Me }) {
  const detail = useProject(project);
  const canAdmin = hasRole(me, project, 'admin');
  return (
    <main id="main" class="stack">
      <p class="breadcrumbs">
        <Link href="/projects">Projects</Link> / <Link href={`/projects/${e(project)}/flags`}>{project}</Link> /
        environments
      </p>
      <h1>{detail.data ? detail.data.name : project}: environments</h1>
      {!canAdmin && <p class="hint">Only the project’s admins change environments.</p>}
      {detail.error ? (
        <ErrorMessage error={detail.error} />
      ) : !detail.data ? (
        <Loading what="environments" />
      ) : detail.data.environments.length === 0 ? (
        <p>No environments yet{canAdmin ? ': create the first one below' : ''}.</p>
      ) : (
        <ul class="plain-list stack" aria-label="Environments">
          {detail.data.environments.map((environment) => (
            <EnvironmentRow key={environment.key} project={project} environment={environment} canAdmin={canAdmin} />
          ))}
        </ul>
      )}
      {canAdmin && <CreateEnvironment project={project} />}
    </main>
  );
}
