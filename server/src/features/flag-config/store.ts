import { Prisma } from '../../generated/prisma/client.js';
import type { ConfigState, FlagConfigRow, FlagRow } from '../flags/store.js';

export function findConfig(
  tx: Prisma.TransactionClient,
  flagId: string,
  environmentId: string,
): Promise<FlagConfigRow | null> {
  return tx.flagConfig.findUnique({ where: { flagId_environmentId: { flagId, environmentId } } });
}

/**
 * Locks the configuration rows of a flag (one environment, or all of them in environment-id order)
 * until the transaction ends. Writes compute the new configuration from the current one (kill
 * saves it, on/off and rollout edit it), so they must read it under this lock, or a concurrent
 * writer's change would be overwritten with a stale copy.
 */
export async function lockConfigs(tx: Prisma.TransactionClient, flagId: string, environmentId?: string): Promise<void> {
  if (environmentId === undefined) {
    await tx.$queryRaw`SELECT 1 FROM flag_configs WHERE flag_id = ${flagId}::uuid ORDER BY environment_id FOR UPDATE`;
  } else {
    await tx.$queryRaw`SELECT 1 FROM flag_configs WHERE flag_id = ${flagId}::uuid AND environment_id = ${environmentId}::uuid FOR UPDATE`;
  }
}

/**
 * `lockAndReadFlag(tx, flag, 'share')` in one statement: the flag row, read under its FOR SHARE lock
 * (configuration writes take it so a definition change cannot remove a variant they reference).
 * Null when the flag was deleted meanwhile.
 */
export async function lockAndReadFlagForShare(tx: Prisma.TransactionClient, flagId: string): Promise<FlagRow | null> {
  const rows = await tx.$queryRaw<FlagRow[]>`
    SELECT id, project_id AS "projectId", key, name, description, type::text AS type, variants, tags,
      client_side AS "clientSide", salt, archived_at AS "archivedAt", created_at AS "createdAt",
      updated_at AS "updatedAt"
    FROM flags WHERE id = ${flagId}::uuid FOR SHARE`;
  return rows[0] ?? null;
}

/**
 * `lockConfigs` for one environment and `findConfig` in one statement: the row, read under its
 * FOR UPDATE lock. Null when the flag has no configuration there.
 */
export async function lockAndReadConfig(
  tx: Prisma.TransactionClient,
  flagId: string,
  environmentId: string,
): Promise<FlagConfigRow | null> {
  const rows = await tx.$queryRaw<FlagConfigRow[]>`
    SELECT flag_id AS "flagId", environment_id AS "environmentId", enabled, off_variant AS "offVariant",
      default_serve AS "defaultServe", rules, prerequisites, version, killed_from AS "killedFrom",
      kill_reason AS "killReason", updated_at AS "updatedAt"
    FROM flag_configs WHERE flag_id = ${flagId}::uuid AND environment_id = ${environmentId}::uuid FOR UPDATE`;
  return rows[0] ?? null;
}

const json = (value: unknown) => value as Prisma.InputJsonValue;

/** What a write sets: the configuration, and the kill bookkeeping (null = not killed). */
export interface ConfigWrite {
  state: ConfigState;
  killedFrom: ConfigState | null;
  killReason: string | null;
}

/**
 * Writes a configuration and bumps its version, but only while the version is still `expectedVersion`
 * (when given). The version check is in the UPDATE's WHERE: a concurrent writer holding the row lock
 * makes this statement wait, then re-check, so of two writers with the same expected version exactly
 * one succeeds. Returns the new row, or null when the version did not match.
 */
export async function writeConfig(
  tx: Prisma.TransactionClient,
  key: { flagId: string; environmentId: string },
  write: ConfigWrite,
  expectedVersion?: number,
): Promise<FlagConfigRow | null> {
  const rows = await tx.flagConfig.updateManyAndReturn({
    where: { ...key, ...(expectedVersion === undefined ? {} : { version: expectedVersion }) },
    data: {
      enabled: write.state.enabled,
      offVariant: write.state.offVariant,
      defaultServe: json(write.state.defaultServe),
      rules: json(write.state.rules),
      prerequisites: json(write.state.prerequisites),
      killedFrom: write.killedFrom === null ? Prisma.DbNull : json(write.killedFrom),
      killReason: write.killReason,
      version: { increment: 1 },
    },
  });
  return rows[0] ?? null;
}
