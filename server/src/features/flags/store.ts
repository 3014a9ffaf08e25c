import type { Flag as CoreFlag, Prerequisite } from '@switchyard/core';
import { configStateOf, toCoreFlag } from '../../snapshots/core-flag.js';
import type { Flag as FlagRow, FlagConfig as FlagConfigRow, PrismaClient } from '../../generated/prisma/client.js';
import type { Prisma } from '../../generated/prisma/client.js';

/** A Prisma client or the client of an interactive transaction. */
export type DbClient = PrismaClient | Prisma.TransactionClient;

export type { FlagRow, FlagConfigRow };
// The row → core mapping lives below the features, where the snapshots are built from it.
export { configStateOf, killedFromOf, toCoreFlag, variantsOf, type ConfigState } from '../../snapshots/core-flag.js';

/**
 * Every live (non-archived) flag of one environment as core `Flag`s, ordered by key: the flag
 * definition joined with its configuration in that environment (`version` = the configuration's
 * version, `salt` and `clientSide` from the definition). The SDK snapshot is built from this.
 * A flag without a configuration row in the environment is left out.
 */
export async function loadEnvironmentFlags(prisma: DbClient, environmentId: string): Promise<CoreFlag[]> {
  const rows = await prisma.flagConfig.findMany({
    where: { environmentId, flag: { archivedAt: null } },
    include: { flag: true },
    orderBy: { flag: { key: 'asc' } },
  });
  return rows.map((row) => toCoreFlag(row.flag, { ...configStateOf(row), version: row.version }));
}

export async function findFlag(db: DbClient, projectId: string, key: string): Promise<FlagRow | null> {
  return db.flag.findUnique({ where: { projectId_key: { projectId, key } } });
}

/**
 * Locks a flag row until the transaction ends. Definition changes take it FOR UPDATE and
 * configuration writes FOR SHARE, so a variant cannot be removed while a configuration that
 * references it is being written.
 */
export async function lockFlag(tx: Prisma.TransactionClient, flagId: string, mode: 'update' | 'share'): Promise<void> {
  if (mode === 'update') await tx.$queryRaw`SELECT id FROM flags WHERE id = ${flagId}::uuid FOR UPDATE`;
  else await tx.$queryRaw`SELECT id FROM flags WHERE id = ${flagId}::uuid FOR SHARE`;
}

/** Every configuration of a flag with its environment's key, ordered by environment id. */
export async function listFlagConfigs(
  db: DbClient,
  flagId: string,
): Promise<(FlagConfigRow & { environment: { key: string } })[]> {
  return db.flagConfig.findMany({
    where: { flagId },
    include: { environment: { select: { key: true } } },
    orderBy: { environmentId: 'asc' },
  });
}

/**
 * Configurations of other flags of the project that list `flagKey` as a prerequisite
 * (`liveOnly`: only those of non-archived flags; `clientSideOnly`: only those of client-side flags).
 */
export async function findDependentConfigs(
  db: DbClient,
  projectId: string,
  flagKey: string,
  options: { liveOnly?: boolean; clientSideOnly?: boolean } = {},
): Promise<{ flagKey: string; environmentKey: string; prerequisites: Prerequisite[] }[]> {
  const rows = await db.flagConfig.findMany({
    where: {
      flag: {
        projectId,
        key: { not: flagKey },
        ...(options.liveOnly ? { archivedAt: null } : {}),
        ...(options.clientSideOnly ? { clientSide: true } : {}),
      },
      prerequisites: { array_contains: [{ flagKey }] },
    },
    select: { prerequisites: true, flag: { select: { key: true } }, environment: { select: { key: true } } },
    orderBy: [{ flag: { key: 'asc' } }, { environment: { key: 'asc' } }],
  });
  return rows.map((row) => ({
    flagKey: row.flag.key,
    environmentKey: row.environment.key,
    prerequisites: row.prerequisites as unknown as Prerequisite[],
  }));
}

/** Opaque pagination cursor: the key of the last flag of the previous page. */
export function encodeCursor(lastKey: string): string {
  return Buffer.from(lastKey, 'utf8').toString('base64url');
}

/**
 * The key of `cursor`, or null when it is not one `encodeCursor` could have made. A made-up one
 * may hold any text: a NUL, which PostgreSQL text cannot take (a 500 in the query), is refused.
 */
export function decodeCursor(cursor: string): string | null {
  const key = Buffer.from(cursor, 'base64url').toString('utf8');
  return key.length > 0 && !key.includes('\0') && encodeCursor(key) === cursor ? key : null;
}

/** The state columns of every configuration of the given flags, with the environment's key. */
export async function listConfigStates(db: DbClient, flagIds: string[]) {
  if (flagIds.length === 0) return [];
  return db.flagConfig.findMany({
    where: { flagId: { in: flagIds } },
    select: {
      flagId: true,
      enabled: true,
      version: true,
      rules: true,
      killedFrom: true,
      environment: { select: { key: true } },
    },
  });
}

/**
 * Live flags of every project whose key, name or description contains `q` (case-insensitive),
 * ordered by project key then flag key, at most `limit`.
 */
export async function searchLiveFlags(db: DbClient, q: string, limit: number, projectIds: readonly string[]) {
  return db.flag.findMany({
    where: {
      archivedAt: null,
      projectId: { in: [...projectIds] },
      OR: (['key', 'name', 'description'] as const).map((field) => ({ [field]: { contains: q, mode: 'insensitive' } })),
    },
    include: { project: { select: { key: true } } },
    orderBy: [{ project: { key: 'asc' } }, { key: 'asc' }],
    take: limit,
  });
}
