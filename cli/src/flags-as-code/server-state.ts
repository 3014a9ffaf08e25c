import { seg, type ApiClient } from '../api/client.js';
import type { ApiConfig, ApiConfigBody, Flag, ProjectDetail, Segment } from '../api/types.js';
import { listAllFlags } from '../commands/shared.js';

/** A flag's configuration in one environment as read, with the ETag to write it back with. */
export interface ReadConfig {
  body: ApiConfigBody;
  etag: string | undefined;
}

/** What a project holds on the server, as far as a flags file describes it. */
export interface ServerState {
  project: string;
  environments: string[];
  segments: Map<string, Segment>;
  /** Live flags. */
  flags: Map<string, Flag>;
  archived: Set<string>;
}

export async function readServerState(api: ApiClient, project: string): Promise<ServerState> {
  const p = seg(project);
  const [detail, segments, flags, archived] = await Promise.all([
    api.get<ProjectDetail>(`/projects/${p}`),
    api.get<{ items: Segment[] }>(`/projects/${p}/segments`),
    listAllFlags(api, project),
    listAllFlags(api, project, true),
  ]);
  return {
    project,
    environments: detail.environments.map((e) => e.key),
    segments: new Map(segments.items.map((s) => [s.key, s])),
    flags: new Map(flags.map((f) => [f.key, f])),
    archived: new Set(archived.map((f) => f.key)),
  };
}

export function configPath(project: string, flag: string, environment: string): string {
  return `/projects/${seg(project)}/flags/${seg(flag)}/environments/${seg(environment)}`;
}

/** The writable part of a configuration (what PUT takes). */
export function writableConfig(config: ApiConfig): ApiConfigBody {
  return {
    enabled: config.enabled,
    offVariant: config.offVariant,
    defaultServe: config.defaultServe,
    rules: config.rules,
    prerequisites: config.prerequisites,
  };
}

export async function readConfig(api: ApiClient, project: string, flag: string, env: string): Promise<ReadConfig> {
  const { body, etag } = await api.request<ApiConfig>('GET', configPath(project, flag, env));
  return { body: writableConfig(body), etag };
}

/** Runs `task` over `items`, at most `limit` at a time, keeping the order of results. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
