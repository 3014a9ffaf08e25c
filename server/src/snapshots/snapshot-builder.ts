import { SCHEMA_VERSION, type Condition, type Flag, type Segment, type Snapshot } from '@switchyard/core';
import type { Flag as FlagRow, PrismaClient } from '../generated/prisma/client.js';
import { configStateOf, toCoreFlag } from './core-flag.js';

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
  /**
   * True when `snapshot` was made from the previous one by replacing only the keys the hints name
   * (`mergeChanged`): nothing else can differ, so no whole-snapshot comparison is needed.
   */
  exact?: boolean;
}

interface SnapshotRow {
  project_key: string;
  environment_key: string;
  revision: number;
  flags: FlagJson[];
  segments: { key: string; conditions: unknown }[];
  hints: { revision: number; changed: { flags?: string[]; segments?: string[] } | null; created_at: string }[];
}

/** A `flags` row joined with its `flag_configs` row, as json_build_object gives it. */
interface FlagJson {
  key: string;
  type: FlagRow['type'];
  variants: unknown;
  salt: string | null;
  clientSide: boolean;
  enabled: boolean;
  offVariant: string;
  defaultServe: unknown;
  rules: unknown;
  prerequisites: unknown;
  version: number;
}

/**
 * Reads the snapshot of `environmentId` (archived flags and flags without a configuration in the
 * environment excluded, flags and segments ordered by key, like `loadEnvironmentFlags`) and, with
 * `sinceRevision`, the outbox hints of the later revisions. ONE statement: Postgres evaluates it
 * against one MVCC snapshot, so revision, contents and hints are the same moment without a
 * transaction (and it is a single round trip, which matters on the propagation path).
 * Null when the environment does not exist (any more).
 */
export async function buildSnapshot(
  prisma: PrismaClient,
  environmentId: string,
  sinceRevision?: number,
): Promise<BuiltSnapshot | null> {
  const since = sinceRevision ?? 2_147_483_647;
  const rows = await prisma.$queryRaw<SnapshotRow[]>`
    SELECT p.key AS project_key, e.key AS environment_key, e.revision,
      COALESCE((
        SELECT json_agg(json_build_object(
            'key', f.key, 'type', f.type, 'variants', f.variants, 'salt', f.salt, 'clientSide', f.client_side,
            'enabled', c.enabled, 'offVariant', c.off_variant, 'defaultServe', c.default_serve,
            'rules', c.rules, 'prerequisites', c.prerequisites, 'version', c.version)
          ORDER BY f.key)
        FROM flag_configs c JOIN flags f ON f.id = c.flag_id
        WHERE c.environment_id = e.id AND f.archived_at IS NULL), '[]'::json) AS flags,
      COALESCE((
        SELECT json_agg(json_build_object('key', s.key, 'conditions', s.conditions) ORDER BY s.key)
        FROM segments s WHERE s.project_id = e.project_id), '[]'::json) AS segments,
      COALESCE((
        SELECT json_agg(json_build_object('revision', o.revision, 'changed', o.changed, 'created_at', o.created_at)
          ORDER BY o.revision)
        FROM change_outbox o
        WHERE o.environment_id = e.id AND o.revision > ${since} AND o.revision <= e.revision), '[]'::json) AS hints
    FROM environments e JOIN projects p ON p.id = e.project_id
    WHERE e.id = ${environmentId}::uuid`;
  const row = rows[0];
  if (!row) return null;
  const snapshot: Snapshot = {
    schemaVersion: SCHEMA_VERSION,
    projectKey: row.project_key,
    environmentKey: row.environment_key,
    revision: Number(row.revision),
    flags: row.flags.map(toFlag),
    segments: row.segments.map(toSegment),
  };
  return { environmentId, snapshot, hints: row.hints.map(toHint) };
}

// Through core's mapping, so the wire shape is the one loadEnvironmentFlags gives.
function toFlag(flag: FlagJson): Flag {
  return toCoreFlag(flag as unknown as FlagRow, {
    ...configStateOf(flag as unknown as Parameters<typeof configStateOf>[0]),
    version: flag.version,
  });
}

function toSegment(segment: SnapshotRow['segments'][number]): Segment {
  return { key: segment.key, conditions: segment.conditions as Condition[] };
}

function toHint(hint: SnapshotRow['hints'][number]): RevisionHint {
  return {
    revision: hint.revision,
    flags: hint.changed?.flags ?? [],
    segments: hint.changed?.segments ?? [],
    committedAt: new Date(hint.created_at),
  };
}

/** The entries revisions after some base revision changed, read without the rest of the snapshot. */
export interface ChangedEntries {
  environmentId: string;
  projectKey: string;
  environmentKey: string;
  revision: number;
  /** Hints for revisions in (`sinceRevision`, revision], ascending; pruned ones are missing. */
  hints: RevisionHint[];
  /** Current entries of the flags the hints name (absent = deleted, archived or unconfigured). */
  flags: Flag[];
  /** Current entries of the segments the hints name (absent = deleted). */
  segments: Segment[];
}

/**
 * Like `buildSnapshot(…, sinceRevision)`, but reads only the flags and segments that the outbox
 * hints of the later revisions name, plus the revision: the propagation path's cost no longer
 * grows with the number of flags. ONE statement, so the revision, the hints and the entries are one
 * MVCC moment. Null when the environment does not exist (any more).
 */
export async function buildChangedEntries(
  prisma: PrismaClient,
  environmentId: string,
  sinceRevision: number,
): Promise<ChangedEntries | null> {
  const rows = await prisma.$queryRaw<SnapshotRow[]>`
    WITH env AS (
      SELECT e.id, e.project_id, e.key, e.revision, p.key AS project_key
      FROM environments e JOIN projects p ON p.id = e.project_id
      WHERE e.id = ${environmentId}::uuid
    ), hint AS (
      SELECT o.revision, o.changed, o.created_at
      FROM change_outbox o, env
      WHERE o.environment_id = env.id AND o.revision > ${sinceRevision} AND o.revision <= env.revision
    ), flag_key AS (
      SELECT DISTINCT jsonb_array_elements_text(CASE WHEN jsonb_typeof(changed -> 'flags') = 'array'
        THEN changed -> 'flags' ELSE '[]'::jsonb END) AS key FROM hint
    ), segment_key AS (
      SELECT DISTINCT jsonb_array_elements_text(CASE WHEN jsonb_typeof(changed -> 'segments') = 'array'
        THEN changed -> 'segments' ELSE '[]'::jsonb END) AS key FROM hint
    )
    SELECT env.project_key, env.key AS environment_key, env.revision,
      COALESCE((
        SELECT json_agg(json_build_object(
            'key', f.key, 'type', f.type, 'variants', f.variants, 'salt', f.salt, 'clientSide', f.client_side,
            'enabled', c.enabled, 'offVariant', c.off_variant, 'defaultServe', c.default_serve,
            'rules', c.rules, 'prerequisites', c.prerequisites, 'version', c.version))
        FROM flag_configs c JOIN flags f ON f.id = c.flag_id
        WHERE c.environment_id = env.id AND f.archived_at IS NULL AND f.key IN (SELECT key FROM flag_key)),
        '[]'::json) AS flags,
      COALESCE((
        SELECT json_agg(json_build_object('key', s.key, 'conditions', s.conditions))
        FROM segments s WHERE s.project_id = env.project_id AND s.key IN (SELECT key FROM segment_key)),
        '[]'::json) AS segments,
      COALESCE((
        SELECT json_agg(json_build_object('revision', hint.revision, 'changed', hint.changed,
          'created_at', hint.created_at) ORDER BY hint.revision)
        FROM hint), '[]'::json) AS hints
    FROM env`;
  const row = rows[0];
  if (!row) return null;
  return {
    environmentId,
    projectKey: row.project_key,
    environmentKey: row.environment_key,
    revision: Number(row.revision),
    hints: row.hints.map(toHint),
    flags: row.flags.map(toFlag),
    segments: row.segments.map(toSegment),
  };
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
