import { path, request } from './client';

/** One bucket of `GET …/flags/:flag/usage`: evaluations per variant ("" = the caller's default). */
export interface UsageBucket {
  start: string;
  total: number;
  variants: Record<string, number>;
}

export interface UsageHistory {
  flag: string;
  environment: string | null;
  bucket: 'hour' | 'day';
  from: string;
  to: string;
  lastEvaluatedAt: string | null;
  buckets: UsageBucket[];
}

export type StaleReason = 'never-evaluated' | 'not-evaluated-recently' | 'killed-everywhere' | 'fully-rolled-out';

export interface StaleFlag {
  key: string;
  name: string;
  createdAt: string;
  lastEvaluatedAt: string | null;
  reasons: StaleReason[];
  environments: { environment: string; state: 'killed' | 'off' | 'rolled-out'; variant: string; since: string }[];
}

export interface StaleReport {
  days: number;
  asOf: string;
  examined: number;
  flags: StaleFlag[];
}

/**
 * A flag's evaluation counts: the last 30 days (bucket `day`) or 24 hours (bucket `hour`), in one
 * environment or summed over all (`environment` null). The server fills empty buckets with 0.
 */
export async function getUsage(
  project: string,
  flag: string,
  options: { environment: string | null; bucket: 'hour' | 'day' },
): Promise<UsageHistory> {
  const params = new URLSearchParams({ bucket: options.bucket });
  if (options.environment) params.set('environment', options.environment);
  return (await request<UsageHistory>('GET', `${path`/projects/${project}/flags/${flag}/usage`}?${params}`)).data;
}

/** The project's cleanup candidates after `days` days (the server's default: 30). */
export async function getStaleFlags(project: string, days = 30): Promise<StaleReport> {
  return (await request<StaleReport>('GET', `${path`/projects/${project}/usage/stale`}?days=${days}`)).data;
}
