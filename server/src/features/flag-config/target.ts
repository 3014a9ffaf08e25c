import type { PrismaClient } from '../../generated/prisma/client.js';
import { notFound } from '../../http/errors.js';
import type { FlagConfigRow, FlagRow } from '../flags/store.js';

/** What a one-environment configuration write works on, read in one statement. */
export interface ConfigTarget {
  project: { id: string };
  /** `xmin` is the row version's transaction id: a write re-checks it to know the flag is unchanged. */
  flag: FlagRow & { xmin: string };
  environment: { id: string; key: string };
  /** Null when the flag has no configuration in the environment. */
  config: FlagConfigRow | null;
}

/** The result row: project, flag, environment and configuration columns side by side. */
type TargetRow = {
  projectId: string;
  environmentId: string | null;
  environmentKey: string | null;
  flagXmin: string | null;
} & { [K in keyof FlagRow as `flag_${K}`]: FlagRow[K] | null } & {
  [K in keyof FlagConfigRow as `config_${K}`]: FlagConfigRow[K] | null;
};

/**
 * Project, flag, environment and the flag's configuration there, in one round trip and without
 * locks (a committed snapshot). 404 for an unknown project, then flag, then environment, as the
 * lookups one by one would answer.
 */
export async function readTarget(
  prisma: PrismaClient,
  projectKey: string,
  flagKey: string,
  environmentKey: string,
): Promise<ConfigTarget> {
  const rows = await prisma.$queryRaw<TargetRow[]>`
    SELECT p.id AS "projectId", e.id AS "environmentId", e.key AS "environmentKey", f.xmin::text AS "flagXmin",
      f.id AS "flag_id", f.project_id AS "flag_projectId", f.key AS "flag_key", f.name AS "flag_name",
      f.description AS "flag_description", f.type::text AS "flag_type", f.variants AS "flag_variants",
      f.tags AS "flag_tags", f.client_side AS "flag_clientSide", f.salt AS "flag_salt",
      f.archived_at AS "flag_archivedAt", f.created_at AS "flag_createdAt", f.updated_at AS "flag_updatedAt",
      c.flag_id AS "config_flagId", c.environment_id AS "config_environmentId", c.enabled AS "config_enabled",
      c.off_variant AS "config_offVariant", c.default_serve AS "config_defaultServe", c.rules AS "config_rules",
      c.prerequisites AS "config_prerequisites", c.version AS "config_version",
      c.killed_from AS "config_killedFrom", c.kill_reason AS "config_killReason", c.updated_at AS "config_updatedAt"
    FROM projects p
    LEFT JOIN flags f ON f.project_id = p.id AND f.key = ${flagKey}
    LEFT JOIN environments e ON e.project_id = p.id AND e.key = ${environmentKey}
    LEFT JOIN flag_configs c ON c.flag_id = f.id AND c.environment_id = e.id
    WHERE p.key = ${projectKey}`;
  const row = rows[0];
  if (!row) throw notFound(`Project '${projectKey}' not found`);
  if (row.flag_id === null || row.flagXmin === null) throw notFound(`Flag '${flagKey}' not found`);
  if (row.environmentId === null || row.environmentKey === null) {
    throw notFound(`Environment '${environmentKey}' not found in project '${projectKey}'`);
  }
  const flag = {
    id: row.flag_id,
    projectId: row.flag_projectId,
    key: row.flag_key,
    name: row.flag_name,
    description: row.flag_description,
    type: row.flag_type,
    variants: row.flag_variants,
    tags: row.flag_tags,
    clientSide: row.flag_clientSide,
    salt: row.flag_salt,
    archivedAt: row.flag_archivedAt,
    createdAt: row.flag_createdAt,
    updatedAt: row.flag_updatedAt,
    xmin: row.flagXmin,
  } as ConfigTarget['flag'];
  const config =
    row.config_flagId === null
      ? null
      : ({
          flagId: row.config_flagId,
          environmentId: row.config_environmentId,
          enabled: row.config_enabled,
          offVariant: row.config_offVariant,
          defaultServe: row.config_defaultServe,
          rules: row.config_rules,
          prerequisites: row.config_prerequisites,
          version: Number(row.config_version),
          killedFrom: row.config_killedFrom,
          killReason: row.config_killReason,
          updatedAt: row.config_updatedAt,
        } as FlagConfigRow);
  return {
    project: { id: row.projectId },
    flag,
    environment: { id: row.environmentId, key: row.environmentKey },
    config,
  };
}
