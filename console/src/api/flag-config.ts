import type { Prerequisite, Variant } from '@switchyard/core';
// The REST API's shapes: rollouts and splits in percent.
import type { PercentRule as Rule, PercentServe as Serve } from '@switchyard/core/schema';
import { path, request } from './client';

/** A flag's whole configuration in one environment (GET/PUT …/environments/:environment). */
export interface FullConfig {
  environment: string;
  enabled: boolean;
  offVariant: string;
  defaultServe: Serve;
  rules: Rule[];
  prerequisites: Prerequisite[];
  version: number;
  killed: boolean;
  killReason: string | null;
}

/** What a PUT replaces: everything but the read-only fields. */
export type ConfigBody = Pick<FullConfig, 'enabled' | 'offVariant' | 'defaultServe' | 'rules' | 'prerequisites'>;

const configPath = (project: string, flag: string, environment: string) =>
  path`/projects/${project}/flags/${flag}/environments/${environment}`;

/** Reads the configuration and its ETag. */
export async function getFullConfig(
  project: string,
  flag: string,
  environment: string,
): Promise<{ config: FullConfig; etag: string | null }> {
  const response = await request<FullConfig>('GET', configPath(project, flag, environment));
  return { config: response.data, etag: response.etag ?? `"${response.data.version}"` };
}

/** Replaces the configuration; `ifMatch` (the ETag it was read with) makes a concurrent edit a 412. */
export async function putConfig(
  project: string,
  flag: string,
  environment: string,
  body: ConfigBody,
  ifMatch: string | null,
): Promise<{ config: FullConfig; etag: string | null }> {
  const response = await request<FullConfig>('PUT', configPath(project, flag, environment), { body, ifMatch });
  return { config: response.data, etag: response.etag ?? `"${response.data.version}"` };
}

/** Replaces the flag's variants (the flag definition, shared by every environment). */
export async function setVariants(project: string, flag: string, variants: Variant[]): Promise<void> {
  await request('PATCH', path`/projects/${project}/flags/${flag}`, { body: { variants } });
}

export interface Segment {
  key: string;
  name: string;
}

export async function listSegments(project: string): Promise<Segment[]> {
  return (await request<{ items: Segment[] }>('GET', path`/projects/${project}/segments`)).data.items;
}
