import { SCHEMA_VERSION, type Condition, type Segment, type Snapshot } from '@switchyard/core';
import type { PrismaClient } from '../../generated/prisma/client.js';
import { loadEnvironmentFlags } from '../flags/store.js';

/** The keys one revision changed, from its `change_outbox` row. */
export interface RevisionHint {
  revision: number;
  flags: string[];
  segments: string[];
  /** When the change was written (the transaction's time), for the propagation-lag metric. */
  committedAt: Date;
}

/** One environment's snapshot as of one revision, plus the change hints since an earlier one. */
export interface BuiltSnapshot {
  environmentId: string;
  snapshot: Snapshot;
  /** Hints for revisions in (`sinceRevision`, snapshot.revision], ascending; pruned ones are missing. */
  hints: RevisionHint[];
}

/**
 * Reads the snapshot of `environmentId` (archived flags excluded; segments of the project ordered by
 * key) in one REPEATABLE READ transaction, so the revision and the contents are the same moment.
 * With `sinceRevision`, also the outbox rows after it (the keys each later revision changed).
 * Null when the environment does not exist (any more).
 */
export async function buildSnapshot(
  prisma: PrismaClient,
  environmentId: string,
  sinceRevision?: number,
): Promise<BuiltSnapshot | null> {
  return prisma.$transaction(
    async (tx) => {
      const environment = await tx.environment.findUnique({
        where: { id: environmentId },
        select: { key: true, revision: true, projectId: true, project: { select: { key: true } } },
      });
      if (!environment) return null;
      const [flags, segmentRows, hintRows] = await Promise.all([
        loadEnvironmentFlags(tx, environmentId),
        tx.segment.findMany({
          where: { projectId: environment.projectId },
          select: { key: true, conditions: true },
          orderBy: { key: 'asc' },
        }),
        sinceRevision === undefined || sinceRevision >= environment.revision
          ? Promise.resolve([])
          : tx.changeOutbox.findMany({
              where: { environmentId, revision: { gt: sinceRevision, lte: environment.revision } },
              select: { revision: true, changed: true, createdAt: true },
              orderBy: { revision: 'asc' },
            }),
      ]);
      const segments: Segment[] = segmentRows.map((row) => ({
        key: row.key,
        conditions: row.conditions as unknown as Condition[],
      }));
      const snapshot: Snapshot = {
        schemaVersion: SCHEMA_VERSION,
        projectKey: environment.project.key,
        environmentKey: environment.key,
        revision: environment.revision,
        flags,
        segments,
      };
      const hints = hintRows.map((row): RevisionHint => {
        const changed = (row.changed ?? {}) as { flags?: string[]; segments?: string[] };
        return {
          revision: row.revision,
          flags: changed.flags ?? [],
          segments: changed.segments ?? [],
          committedAt: row.createdAt,
        };
      });
      return { environmentId, snapshot, hints };
    },
    { isolationLevel: 'RepeatableRead' },
  );
}

/** The current revision of each environment (missing ids were deleted). */
export async function readRevisions(prisma: PrismaClient, environmentIds: string[]): Promise<Map<string, number>> {
  if (environmentIds.length === 0) return new Map();
  const rows = await prisma.environment.findMany({
    where: { id: { in: environmentIds } },
    select: { id: true, revision: true },
  });
  return new Map(rows.map((row) => [row.id, row.revision]));
}
