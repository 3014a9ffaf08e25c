import type { Rule } from '@switchyard/core';
import type { Prisma } from '../../generated/prisma/client.js';
import { notFound } from '../../http/errors.js';
import type { SegmentReference } from './schemas.js';

/** Stores take a transaction or the client itself (`PrismaClient` is assignable to this). */
type Tx = Prisma.TransactionClient;

export const segmentColumns = {
  id: true,
  projectId: true,
  key: true,
  name: true,
  description: true,
  conditions: true,
  version: true,
  createdAt: true,
  updatedAt: true,
} as const satisfies Prisma.SegmentSelect;
export type SegmentRow = Prisma.SegmentGetPayload<{ select: typeof segmentColumns }>;

const json = (value: unknown) => value as Prisma.InputJsonValue;

export function listSegments(tx: Tx, projectId: string): Promise<SegmentRow[]> {
  return tx.segment.findMany({ where: { projectId }, select: segmentColumns, orderBy: { key: 'asc' } });
}

export function findSegment(tx: Tx, projectId: string, key: string): Promise<SegmentRow | null> {
  return tx.segment.findUnique({ where: { projectId_key: { projectId, key } }, select: segmentColumns });
}

/** The segment `key` of a project, or a 404 naming both keys. */
export async function requireSegment(tx: Tx, project: { id: string; key: string }, key: string): Promise<SegmentRow> {
  const segment = await findSegment(tx, project.id, key);
  if (!segment) throw notFound(`Segment '${key}' not found in project '${project.key}'`);
  return segment;
}

/**
 * Locks the segment row until the transaction ends and reads it again, so an update or delete
 * works on the current version and two writers of one segment run one after the other.
 */
export async function lockSegment(
  tx: Tx,
  project: { id: string; key: string },
  segment: SegmentRow,
): Promise<SegmentRow> {
  await tx.$queryRaw`SELECT 1 FROM segments WHERE id = ${segment.id}::uuid FOR UPDATE`;
  return requireSegment(tx, project, segment.key);
}

export function insertSegment(
  tx: Tx,
  data: { projectId: string; key: string; name: string; description: string; conditions: unknown },
): Promise<SegmentRow> {
  return tx.segment.create({ data: { ...data, conditions: json(data.conditions) }, select: segmentColumns });
}

/** Updates the given fields and bumps the version. */
export function updateSegment(
  tx: Tx,
  id: string,
  data: { name?: string | undefined; description?: string | undefined; conditions?: unknown },
): Promise<SegmentRow> {
  return tx.segment.update({
    where: { id },
    data: {
      ...(data.name === undefined ? {} : { name: data.name }),
      ...(data.description === undefined ? {} : { description: data.description }),
      ...(data.conditions === undefined ? {} : { conditions: json(data.conditions) }),
      version: { increment: 1 },
    },
    select: segmentColumns,
  });
}

export async function deleteSegment(tx: Tx, id: string): Promise<void> {
  await tx.segment.delete({ where: { id } });
}

/**
 * Locks every flag configuration of the project FOR SHARE until the transaction ends. A
 * configuration write holds its row FOR UPDATE from before it checks that its segments exist until
 * it commits; taking these locks before looking for references means such a write is either
 * committed (and its reference seen) or waits for us (and then finds the segment gone).
 */
export async function lockProjectConfigs(tx: Tx, projectId: string): Promise<void> {
  await tx.$queryRaw`
    SELECT 1 FROM flag_configs c JOIN flags f ON f.id = c.flag_id
    WHERE f.project_id = ${projectId}::uuid
    ORDER BY c.flag_id, c.environment_id
    FOR SHARE OF c`;
}

/**
 * Every rule of the project's flag configurations (archived flags included: unarchiving brings
 * them back) that lists the segment, ordered by flag, environment and rule position.
 */
export async function findSegmentReferences(
  tx: Tx,
  projectId: string,
  segmentKey: string,
): Promise<SegmentReference[]> {
  const rows = await tx.flagConfig.findMany({
    where: { flag: { projectId }, rules: { array_contains: [{ segments: [segmentKey] }] } },
    select: { rules: true, flag: { select: { key: true } }, environment: { select: { key: true } } },
    orderBy: [{ flag: { key: 'asc' } }, { environment: { key: 'asc' } }],
  });
  return rows.flatMap((row) =>
    (row.rules as unknown as Rule[])
      .filter((rule) => rule.segments.includes(segmentKey))
      .map((rule) => ({ flag: row.flag.key, environment: row.environment.key, ruleId: rule.id })),
  );
}
