import type { ActorKind, Prisma } from '../../generated/prisma/client.js';

type Tx = Prisma.TransactionClient;

/** The audit-log filters as a query: everything optional, ids instead of keys. */
export interface AuditFilter {
  projectId?: string | undefined;
  flagKey?: string | undefined;
  environment?: string | undefined;
  actor?: string | undefined;
  actorKind?: ActorKind | undefined;
  actorId?: string | undefined;
  action?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  /** Only events older than this id (keyset pagination). */
  beforeId?: bigint | undefined;
}

export type AuditRow = Prisma.AuditEventGetPayload<object>;

/** Target types whose target key is a flag key. */
const FLAG_TARGET_TYPES = ['flag', 'flag_config'];

/** Up to `limit` + 1 events matching `filter`, newest (highest id) first. */
export function listAuditEvents(tx: Tx, filter: AuditFilter, limit: number): Promise<AuditRow[]> {
  const where: Prisma.AuditEventWhereInput = {};
  if (filter.projectId !== undefined) where.projectId = filter.projectId;
  if (filter.flagKey !== undefined) {
    where.targetType = { in: FLAG_TARGET_TYPES };
    where.targetKey = filter.flagKey;
  }
  if (filter.environment !== undefined) where.environment = filter.environment;
  if (filter.actor !== undefined) where.actor = filter.actor;
  if (filter.actorKind !== undefined) where.actorKind = filter.actorKind;
  if (filter.actorId !== undefined) where.actorId = filter.actorId;
  if (filter.action !== undefined) where.action = filter.action;
  if (filter.from !== undefined || filter.to !== undefined) {
    where.createdAt = {
      ...(filter.from === undefined ? {} : { gte: filter.from }),
      ...(filter.to === undefined ? {} : { lt: filter.to }),
    };
  }
  if (filter.beforeId !== undefined) where.id = { lt: filter.beforeId };
  return tx.auditEvent.findMany({ where, orderBy: { id: 'desc' }, take: limit + 1 });
}

/** Keys of the given projects (deleted ones are missing). */
export async function projectKeys(tx: Tx, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await tx.project.findMany({ where: { id: { in: ids } }, select: { id: true, key: true } });
  return new Map(rows.map((row) => [row.id, row.key]));
}
