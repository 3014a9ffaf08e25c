import { listAllFlags, searchFlags, type FlagSearchMatch, type FlagWithStatus } from '../api/flag-list';
import { getConfig, getFlag } from '../api/flags';
import { useQuery } from './query';

/** Cache keys: every key of a flag starts with `flags:<project>:`, so one invalidation covers them. */
export const flagsKey = (project: string) => `flags:${project}:`;
export const configKey = (project: string, flag: string, environment: string) =>
  `flags:${project}:config:${flag}:${environment}`;

/**
 * Every flag of the project (live, or archived ones) with its state per environment. On a first
 * load, `data` holds the pages loaded so far and `progress` how many of how many.
 */
export const useAllFlags = (project: string, archived: boolean) =>
  useQuery<FlagWithStatus[]>(`${flagsKey(project)}all:${archived ? 'archived' : 'live'}`, (publish) =>
    listAllFlags(project, { archived, onPage: (loaded, total) => publish(loaded, { loaded: loaded.length, total }) }),
  );

export const useFlag = (project: string, flag: string) =>
  useQuery(`${flagsKey(project)}flag:${flag}`, () => getFlag(project, flag));

export const useFlagConfig = (project: string, flag: string, environment: string) =>
  useQuery(configKey(project, flag, environment), () => getConfig(project, flag, environment));

/** Incident search: live flags matching `q` in every project, with their status (one request). */
export const useFlagSearch = (q: string) =>
  useQuery<FlagSearchMatch[]>(q ? `flags:*:search:${q}` : null, () => searchFlags(q));
