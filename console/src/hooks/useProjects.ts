import { getProject, listProjects, type ProjectDetail } from '../api/projects';
import { useQuery } from './query';

export const useProjects = () => useQuery('projects', listProjects);

/** Every project with its environments. */
export const useProjectDetails = () =>
  useQuery<ProjectDetail[]>('projects:details', async () =>
    Promise.all((await listProjects()).map((p) => getProject(p.key))),
  );

export const useProject = (project: string) => useQuery(`project:${project}`, () => getProject(project));
