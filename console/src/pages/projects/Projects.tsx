import { useState } from 'preact/hooks';
import type { Me } from '../../api/account';
import { createProject, deleteProject, updateProject, type Project } from '../../api/projects';
import { canCreateProjects, hasRole } from '../../api/rights';
import { DeleteButton } from '../../components/DeleteButton';
import { KeyNameFields } from '../../components/KeyNameFields';
import { RenameButton } from '../../components/RenameButton';
import { ErrorMessage, Loading } from '../../components/Loading';
import { invalidate } from '../../hooks/query';
import { byStatus, useAction } from '../../hooks/useAction';
import { useProjects } from '../../hooks/useProjects';
import { Link, e, navigate } from '../../router';

function CreateProject() {
  const [key, setKey] = useState('');
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const create = useAction();
  const submit = async (event: Event) => {
    event.preventDefault();
    await create.run(
      async () => {
        const created = await createProject({ key: key.trim(), name: name.trim(), description: description.trim() });
        invalidate('project');
        // A project starts with no environment: the next step is to add some.
        navigate(`/projects/${e(created.key)}/environments`);
      },
      { onError: byStatus({ 409: `A project with the key “${key.trim()}” already exists.` }) },
    );
  };
  return (
    <form class="card stack" onSubmit={submit} aria-labelledby="create-project-heading">
      <h2 id="create-project-heading">New project</h2>
      <KeyNameFields
        idPrefix="project"
        keyValue={key}
        name={name}
        onKey={setKey}
        onName={setName}
        keyHint="Permanent: SDK tokens, URLs and the audit log name it. a–z, 0–9, - and _ (up to 63)."
      />
      <label for="project-description">Description</label>
      <input
        id="project-description"
        value={description}
        onInput={(event) => setDescription(event.currentTarget.value)}
      />
      {create.error && <ErrorMessage error={create.error} />}
      <div class="row">
        <button type="submit" class="primary" disabled={create.busy}>
          Create project
        </button>
      </div>
    </form>
  );
}

/** Rename and delete, for the project's admins only (the server decides too). */
function ProjectAdminControls({ project }: { project: Project }) {
  return (
    <div class="row">
      <RenameButton
        kind="project"
        itemKey={project.key}
        name={project.name}
        description={project.description}
        rename={async (name, description) => {
          await updateProject(project.key, { name, description });
          invalidate('project');
        }}
      />
      <DeleteButton
        kind="project"
        itemKey={project.key}
        remove={(force) => deleteProject(project.key, force)}
        onDeleted={() => {
          invalidate('project');
          invalidate(`flags:${project.key}:`);
        }}
      >
        <p>
          Project <strong>{project.name}</strong> ({project.key}) goes with its environments, flags, segments and
          tokens: SDKs using those tokens are refused and their streams end.
        </p>
      </DeleteButton>
    </div>
  );
}

/** `/projects`: the projects the caller may read, each with its screens; a new one (instance admins). */
export function Projects({ me }: { me: Me }) {
  const projects = useProjects();
  return (
    <main id="main" class="stack">
      <h1>Projects</h1>
      {canCreateProjects(me) && <CreateProject />}
      {projects.error ? (
        <ErrorMessage error={projects.error} />
      ) : !projects.data ? (
        <Loading what="projects" />
      ) : projects.data.length === 0 ? (
        <p>No projects yet.</p>
      ) : (
        <ul class="plain-list stack" aria-label="Projects">
          {projects.data.map((project) => (
            <li key={project.key} class="card stack">
              <strong>
                {project.name} <span class="hint">({project.key})</span>
              </strong>
              {project.description && <span class="hint">{project.description}</span>}
              <nav aria-label={`Project ${project.key}`} class="row">
                <Link href={`/projects/${e(project.key)}/flags`}>Flags</Link>
                <Link href={`/projects/${e(project.key)}/environments`}>Environments</Link>
                <Link href={`/projects/${e(project.key)}/segments`}>Segments</Link>
                <Link href={`/projects/${e(project.key)}/members`}>Members</Link>
              </nav>
              {hasRole(me, project.key, 'admin') && <ProjectAdminControls project={project} />}
            </li>
          ))}
        </ul>
      )}
    </main>
  );
}
