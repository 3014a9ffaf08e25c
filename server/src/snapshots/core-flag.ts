import type { Flag as CoreFlag, Prerequisite, Rule, Serve, Variant } from '@switchyard/core';
import type { Flag as FlagRow, FlagConfig as FlagConfigRow } from '../generated/prisma/client.js';

/*
 * How flag rows become the core wire `Flag` of a snapshot: used by the snapshot builder (here) and
 * by the flag features (re-exported from features/flags/store.ts).
 */

/** The per-environment part of a core `Flag`, as stored in `flag_configs` (and in `killed_from`). */
export interface ConfigState {
  enabled: boolean;
  offVariant: string;
  defaultServe: Serve;
  rules: Rule[];
  prerequisites: Prerequisite[];
}

/** Reads the configuration columns of a `flag_configs` row as core types (they were validated on write). */
export function configStateOf(
  row: Pick<FlagConfigRow, 'enabled' | 'offVariant' | 'defaultServe' | 'rules' | 'prerequisites'>,
): ConfigState {
  return {
    enabled: row.enabled,
    offVariant: row.offVariant,
    defaultServe: row.defaultServe as unknown as Serve,
    rules: row.rules as unknown as Rule[],
    prerequisites: row.prerequisites as unknown as Prerequisite[],
  };
}

/** The configuration a kill saved (for restore), or null when the row is not killed. */
export function killedFromOf(row: Pick<FlagConfigRow, 'killedFrom'>): ConfigState | null {
  return row.killedFrom === null ? null : (row.killedFrom as unknown as ConfigState);
}

/** The variants of a flag row as core types. */
export function variantsOf(row: Pick<FlagRow, 'variants'>): Variant[] {
  return row.variants as unknown as Variant[];
}

/** Joins a flag definition with one environment's configuration into the core wire `Flag`. */
export function toCoreFlag(flag: FlagRow, config: ConfigState & { version: number }): CoreFlag {
  const core: CoreFlag = {
    key: flag.key,
    type: flag.type,
    variants: variantsOf(flag),
    enabled: config.enabled,
    offVariant: config.offVariant,
    defaultServe: config.defaultServe,
    rules: config.rules,
    prerequisites: config.prerequisites,
    version: config.version,
    clientSide: flag.clientSide,
  };
  if (flag.salt !== null) core.salt = flag.salt;
  return core;
}
