import { getConfig, getFlag, listFlags, type FlagDetail } from '../api/flags';
import { listProjects } from '../api/projects';
import { useQuery } from './query';

/** Cache keys: every key of a flag starts with `flags:<project>:`, so one invalidation covers them. */
export const flagsKey = (project: string) => `flags:${project}:`;
export const configKey = (project: string, flag: string, environment: string) =>
  `flags:${project}:config:${flag}:${environment}`;

/**
 * A project's live flags matching `q`, each with its per-environment status. The list endpoint has
 * no status, so each flag's detail is read too (one request per flag, at most 200).
 */
export function useFlagList(project: string, q: string) {
  return useQuery<FlagDetail[]>(`${flagsKey(project)}list:${q}`, async () => {
    const flags = await listFlags(project, { q: q || undefined });
    return Promise.all(flags.map((flag) => getFlag(project, flag.key)));
  });
}

export const useFlag = (project: string, flag: string) =>
  useQuery(`${flagsKey(project)}flag:${flag}`, () => getFlag(project, flag));

export const useFlagConfig = (project: string, flag: string, environment: string) =>
  useQuery(configKey(project, flag, environment), () => getConfig(project, flag, environment));

export interface FlagMatch {
  project: string;
  flag: FlagDetail;
}

/** Incident search: flags matching `q` in every project, with their status. */
export function useFlagSearch(q: string) {
  return useQuery<FlagMatch[]>(q ? `flags:*:search:${q}` : null, async () => {
    const projects = await listProjects();
    const perProject = await Promise.all(
      projects.map(async (project) => {
        const flags = await listFlags(project.key, { q, limit: 20 });
        const details = await Promise.all(flags.map((flag) => getFlag(project.key, flag.key)));
        return details.map((flag) => ({ project: project.key, flag }));
      }),
    );
    return perProject.flat();
  });
}
