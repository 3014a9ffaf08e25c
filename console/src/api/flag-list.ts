import type { Variant } from '@switchyard/core';
import { path, request } from './client';
import type { Flag } from './flags';

/** A flag's state in one environment, as the list endpoint gives it with `include=environments`. */
export interface EnvironmentStatus {
  environment: string;
  enabled: boolean;
  killed: boolean;
  version: number;
  /** How many targeting rules the configuration has. */
  rules: number;
  /** The percentage (0-100) of each rule with a rollout. */
  rolloutPercents: number[];
}

/** A flag with its state in every environment: one row of the flag list. */
export interface FlagWithStatus extends Flag {
  variants: Variant[];
  environments: EnvironmentStatus[];
  createdAt: string;
  updatedAt: string;
  lastEvaluatedAt: string | null;
}

/** A match of the incident search: a flag of any project. */
export interface FlagSearchMatch extends FlagWithStatus {
  project: string;
}

/** The server's largest page: 10,000 flags are ten requests. */
const PAGE = 1000;

/** Every flag of the project (live, or archived ones), each with its state per environment. */
export async function listAllFlags(project: string, options: { archived?: boolean } = {}): Promise<FlagWithStatus[]> {
  const flags: FlagWithStatus[] = [];
  let cursor: string | null = null;
  do {
    const params = new URLSearchParams({ include: 'environments', limit: String(PAGE) });
    if (options.archived) params.set('archived', 'true');
    if (cursor) params.set('cursor', cursor);
    const page: { items: FlagWithStatus[]; nextCursor: string | null } = (
      await request<{ items: FlagWithStatus[]; nextCursor: string | null }>(
        'GET',
        `${path`/projects/${project}/flags`}?${params}`,
      )
    ).data;
    flags.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return flags;
}

/** One live flag of the project with its state per environment, or null when it is not live (archived, deleted). */
export async function getListedFlag(project: string, key: string): Promise<FlagWithStatus | null> {
  const params = new URLSearchParams({ include: 'environments', limit: String(PAGE), q: key });
  const page = await request<{ items: FlagWithStatus[] }>('GET', `${path`/projects/${project}/flags`}?${params}`);
  return page.data.items.find((flag) => flag.key === key) ?? null;
}

/** The incident search: live flags of every project matching `q`, with their state (one request). */
export async function searchFlags(q: string, limit = 50): Promise<FlagSearchMatch[]> {
  const params = new URLSearchParams({ q, limit: String(limit) });
  return (await request<{ items: FlagSearchMatch[] }>('GET', `/flags?${params}`)).data.items;
}

export interface NewFlag {
  key: string;
  name: string;
  description?: string;
  type: Flag['type'];
  tags: string[];
  clientSide: boolean;
  variants?: Variant[];
}

export async function createFlag(project: string, flag: NewFlag): Promise<Flag> {
  return (await request<Flag>('POST', path`/projects/${project}/flags`, { body: flag })).data;
}

export async function archiveFlag(project: string, flag: string): Promise<Flag> {
  return (await request<Flag>('POST', path`/projects/${project}/flags/${flag}/archive`)).data;
}

export async function unarchiveFlag(project: string, flag: string): Promise<Flag> {
  return (await request<Flag>('POST', path`/projects/${project}/flags/${flag}/unarchive`)).data;
}
