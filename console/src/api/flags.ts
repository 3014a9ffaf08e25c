import { path, request } from './client';

export interface Flag {
  key: string;
  name: string;
  description: string;
  type: 'boolean' | 'string' | 'number' | 'json';
  tags: string[];
  clientSide: boolean;
  archived: boolean;
}

/** One environment's state of a flag, as GET /flags/:flag summarises it. */
export interface FlagEnvironmentStatus {
  environment: string;
  enabled: boolean;
  version: number;
  killed: boolean;
}

export interface FlagDetail extends Flag {
  environments: FlagEnvironmentStatus[];
}

export interface Rule {
  id: string;
  description?: string;
  /** Percent, 0..100 with at most two decimals, as the API reads and writes it. */
  rollout?: { percent: number; stickiness?: string };
}

/** A flag's configuration in one environment (the fields the console reads). */
export interface FlagConfig {
  environment: string;
  enabled: boolean;
  rules: Rule[];
  version: number;
  killed: boolean;
  killReason: string | null;
}

/** A configuration with its ETag, sent back as If-Match when changing it. */
export interface VersionedConfig {
  config: FlagConfig;
  etag: string | null;
}

export async function listFlags(project: string, query: { q?: string; limit?: number } = {}): Promise<Flag[]> {
  const params = new URLSearchParams();
  if (query.q) params.set('q', query.q);
  params.set('limit', String(query.limit ?? 200));
  return (await request<{ items: Flag[] }>('GET', `${path`/projects/${project}/flags`}?${params}`)).data.items;
}

export async function getFlag(project: string, flag: string): Promise<FlagDetail> {
  return (await request<FlagDetail>('GET', path`/projects/${project}/flags/${flag}`)).data;
}

const configPath = (project: string, flag: string, environment: string) =>
  path`/projects/${project}/flags/${flag}/environments/${environment}`;

function versioned(response: { data: FlagConfig; etag: string | null }): VersionedConfig {
  return { config: response.data, etag: response.etag ?? `"${response.data.version}"` };
}

export async function getConfig(project: string, flag: string, environment: string): Promise<VersionedConfig> {
  return versioned(await request<FlagConfig>('GET', configPath(project, flag, environment)));
}

/** Turns the flag on or off; `ifMatch` makes a stale edit a 412 instead of overwriting. */
export async function setEnabled(
  project: string,
  flag: string,
  environment: string,
  enabled: boolean,
  ifMatch: string | null,
): Promise<VersionedConfig> {
  const url = `${configPath(project, flag, environment)}/${enabled ? 'on' : 'off'}`;
  return versioned(await request<FlagConfig>('POST', url, { ifMatch }));
}

/** Sets a rule's rollout in percent (25.5 = 25.5 %), as the API takes it. */
export async function setRolloutPercent(
  project: string,
  flag: string,
  environment: string,
  ruleId: string,
  percent: number,
  ifMatch: string | null,
): Promise<VersionedConfig> {
  const url = `${configPath(project, flag, environment)}${path`/rules/${ruleId}/rollout`}`;
  const body = { percent };
  return versioned(await request<FlagConfig>('POST', url, { body, ifMatch }));
}

/** The kill switch in one environment: no If-Match, it works whatever the version. */
export async function killInEnvironment(project: string, flag: string, environment: string, reason: string) {
  return (await request<FlagConfig>('POST', `${configPath(project, flag, environment)}/kill`, { body: { reason } }))
    .data;
}

/** The kill switch in every environment of the flag, in one transaction. */
export async function killEverywhere(project: string, flag: string, reason: string) {
  return (
    await request<{ items: FlagConfig[] }>('POST', path`/projects/${project}/flags/${flag}/kill`, { body: { reason } })
  ).data.items;
}

export async function restoreInEnvironment(project: string, flag: string, environment: string) {
  return versioned(await request<FlagConfig>('POST', `${configPath(project, flag, environment)}/restore`));
}
