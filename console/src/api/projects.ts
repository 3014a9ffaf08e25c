import { path, request } from './client';

export interface Project {
  key: string;
  name: string;
  description: string;
}

export interface Environment {
  key: string;
  name: string;
  revision: number;
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
