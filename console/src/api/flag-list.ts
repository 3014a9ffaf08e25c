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

/** The server's largest page: 10,000 flags are ten requests after the first. */
const PAGE = 1000;
/** The first page is small, so the list shows its first screen before the rest has loaded. */
const FIRST_PAGE = 100;

interface FlagListPage {
  items: FlagWithStatus[];
  nextCursor: string | null;
  /** How many flags match, on all pages together. */
  total: number;
}

/**
 * Every flag of the project (live, or archived ones), each with its state per environment, in
 * key order. Pages follow each other by cursor (a key bound: no flag is skipped or repeated when
 * flags are added or removed meanwhile, as offset pages fetched in parallel could); `onPage`
 * hears the flags loaded so far and the total after each page.
 */
export async function listAllFlags(
  project: string,
  options: { archived?: boolean; onPage?: (loaded: FlagWithStatus[], total: number) => void } = {},
): Promise<FlagWithStatus[]> {
  let flags: FlagWithStatus[] = [];
  let cursor: string | null = null;
  do {
    const limit = flags.length === 0 ? FIRST_PAGE : PAGE;
    const params = new URLSearchParams({ include: 'environments', limit: String(limit) });
    if (options.archived) params.set('archived', 'true');
    if (cursor) params.set('cursor', cursor);
    const page: FlagListPage = (await request<FlagListPage>('GET', `${path`/projects/${project}/flags`}?${params}`))
      .data;
    // A new array each time: whoever got the previous one keeps it unchanged.
    flags = flags.concat(page.items);
    cursor = page.nextCursor;
    if (cursor) options.onPage?.(flags, Math.max(page.total, flags.length));
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
