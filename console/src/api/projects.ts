import { path, request } from './client';

export interface Project {
  key: string;
  name: string;
  description: string;
}

/** The project role configuration changes need in a protected environment. */
export type ProtectedRole = 'editor' | 'admin';

export interface Environment {
  key: string;
  name: string;
  revision: number;
  /** Protected (e.g. production): configuration changes need `protectedRole`; kill and restore do not. */
  protected: boolean;
  protectedRole: ProtectedRole;
}

export interface ProjectDetail extends Project {
  environments: Environment[];
}

export async function listProjects(): Promise<Project[]> {
  return (await request<{ projects: Project[] }>('GET', '/projects')).data.projects;
}

export async function getProject(project: string): Promise<ProjectDetail> {
  return (await request<ProjectDetail>('GET', path`/projects/${project}`)).data;
}

export async function createProject(body: { key: string; name: string; description: string }): Promise<Project> {
  return (await request<Project>('POST', '/projects', { body })).data;
}

export async function createEnvironment(
  project: string,
  body: { key: string; name: string; protected: boolean; protectedRole: ProtectedRole },
): Promise<Environment> {
  return (await request<Environment>('POST', path`/projects/${project}/environments`, { body })).data;
}

export async function updateEnvironment(
  project: string,
  environment: string,
  body: { name?: string; protected?: boolean; protectedRole?: ProtectedRole },
): Promise<Environment> {
  return (await request<Environment>('PATCH', path`/projects/${project}/environments/${environment}`, { body })).data;
}

/** Renames or re-describes a project (project admins); its key never changes. */
export async function updateProject(project: string, body: { name?: string; description?: string }): Promise<Project> {
  return (await request<Project>('PATCH', path`/projects/${project}`, { body })).data;
}

/** Without `force`, a project that still has flags or segments is refused with a 409 that counts them. */
export async function deleteProject(project: string, force = false): Promise<void> {
  await request<null>('DELETE', `${path`/projects/${project}`}${force ? '?force=true' : ''}`);
}

/** Without `force`, an environment of a project that has flags is refused with a 409 that counts them. */
export async function deleteEnvironment(project: string, environment: string, force = false): Promise<void> {
  await request<null>(
    'DELETE',
    `${path`/projects/${project}/environments/${environment}`}${force ? '?force=true' : ''}`,
  );
}
