import type { Rule } from '@switchyard/core';
import type { FlagEnvironmentStatus } from './schemas.js';
import { listConfigStates, type DbClient } from './store.js';

/** Basis points (storage) → percent (the status view), exact to 0.01. */
const percentOf = (basisPoints: number) => basisPoints / 100;

/**
 * Each flag's state in every environment of its project, by flag id, environments ordered by key:
 * what the console's list shows and filters on, read in one query for a whole page of flags.
 */
export async function environmentStatuses(
  db: DbClient,
  flagIds: string[],
): Promise<Map<string, FlagEnvironmentStatus[]>> {
  const byFlag = new Map<string, FlagEnvironmentStatus[]>();
  for (const row of await listConfigStates(db, flagIds)) {
    const rules = row.rules as unknown as Rule[];
    const status: FlagEnvironmentStatus = {
      environment: row.environment.key,
      enabled: row.enabled,
      version: row.version,
      killed: row.killedFrom !== null,
      rules: rules.length,
      rolloutPercents: rules.flatMap((rule) => (rule.rollout ? [percentOf(rule.rollout.percentage)] : [])),
    };
    const list = byFlag.get(row.flagId);
    if (list) list.push(status);
    else byFlag.set(row.flagId, [status]);
  }
  for (const list of byFlag.values()) list.sort((a, b) => (a.environment < b.environment ? -1 : 1));
  return byFlag;
}
