import type { Prisma } from '../../generated/prisma/client.js';

type Tx = Prisma.TransactionClient;

/** Everything about a trigger but its hash, plus the keys of its project, flag and environment. */
export const triggerColumns = {
  id: true,
  name: true,
  projectId: true,
  restoreOnResolve: true,
  prefix: true,
  createdAt: true,
  lastTriggeredAt: true,
  revokedAt: true,
  project: { select: { key: true } },
  flag: { select: { key: true } },
  environment: { select: { key: true } },
} as const satisfies Prisma.FlagTriggerSelect;
export type TriggerRow = Prisma.FlagTriggerGetPayload<{ select: typeof triggerColumns }>;

export function listTriggers(
  tx: Tx,
  projectId: string,
  filter: { flagId?: string | undefined; environmentId?: string | undefined; includeRevoked: boolean },
): Promise<TriggerRow[]> {
  return tx.flagTrigger.findMany({
    where: {
      projectId,
      ...(filter.flagId ? { flagId: filter.flagId } : {}),
      ...(filter.environmentId ? { environmentId: filter.environmentId } : {}),
      ...(filter.includeRevoked ? {} : { revokedAt: null }),
    },
    select: triggerColumns,
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  });
}

export function findTrigger(tx: Tx, projectId: string, id: string): Promise<TriggerRow | null> {
  return tx.flagTrigger.findFirst({ where: { id, projectId }, select: triggerColumns });
}

/** The one lookup of the incoming endpoint: by the secret's hash (unique index). */
export function findTriggerByHash(tx: Tx, hash: string): Promise<TriggerRow | null> {
  return tx.flagTrigger.findUnique({ where: { hash }, select: triggerColumns });
}

export function insertTrigger(
  tx: Tx,
  data: {
    name: string;
    projectId: string;
    flagId: string;
    environmentId: string;
    restoreOnResolve: boolean;
    hash: string;
    prefix: string;
  },
): Promise<TriggerRow> {
  return tx.flagTrigger.create({ data, select: triggerColumns });
}

export function revokeTrigger(tx: Tx, id: string, at: Date): Promise<TriggerRow> {
  return tx.flagTrigger.update({ where: { id }, data: { revokedAt: at }, select: triggerColumns });
}

export async function touchTrigger(tx: Tx, id: string, at: Date): Promise<void> {
  await tx.flagTrigger.updateMany({ where: { id }, data: { lastTriggeredAt: at } });
}
