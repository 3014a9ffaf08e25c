import { getStaleFlags, getUsage, type StaleFlag } from '../api/usage';
import { flagsKey } from './useFlags';
import { useQuery } from './query';

/**
 * Usage keys start with the project's flag prefix, so every change to the project's flags (a kill,
 * a rollout, one seen on the event stream) refetches the stale report too.
 */
export const useUsage = (project: string, flag: string, environment: string | null, bucket: 'hour' | 'day') =>
  useQuery(`${flagsKey(project)}usage:${flag}:${environment ?? '*'}:${bucket}`, () =>
    getUsage(project, flag, { environment, bucket }),
  );

/** The project's stale flags by key (default window: 30 days); not fetched while `enabled` is false. */
export const useStaleFlags = (project: string, enabled = true) =>
  useQuery<Map<string, StaleFlag>>(
    enabled ? `${flagsKey(project)}stale` : null,
    async () => new Map((await getStaleFlags(project)).flags.map((flag) => [flag.key, flag])),
  );
