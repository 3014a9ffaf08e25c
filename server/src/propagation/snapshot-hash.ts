import type { Flag, Segment, Snapshot } from '@switchyard/core';

/*
 * The layout of an environment's snapshot in Redis (spec/sdk-protocol.md, "The snapshot key"): ONE
 * hash per environment, `switchyard:snapshot-v2:<project>:<environment>`, updated in place by a Lua
 * script per revision, so a change costs Redis the bytes of the entries it changed, not of the
 * whole environment. Fields:
 *
 *   revision   the snapshot's revision (decimal)
 *   head       {"schemaVersion":…,"projectKey":…,"environmentKey":…}
 *   flags      JSON array of the flag keys in snapshot order (rewritten only when a flag is added,
 *              removed or moved: the order is Postgres's collation, which readers cannot redo)
 *   ordered    the revision the order fields were last written at (for writers, see WRITE_DELTA)
 *   segments   the same for segment keys
 *   f:<key>    one flag's JSON
 *   s:<key>    one segment's JSON
 *
 * Every write is one script and HGETALL is one command, so a reader never sees the revision of one
 * write with entries of another.
 */

export const SNAPSHOT_HASH_PREFIX = 'switchyard:snapshot-v2:';
/** Where servers before the hash layout kept the whole snapshot JSON (deleted by every full write). */
export const LEGACY_SNAPSHOT_KEY_PREFIX = 'switchyard:snapshot:';

/** The Redis hash holding one environment's snapshot. */
export function snapshotHashKey(projectKey: string, environmentKey: string): string {
  return `${SNAPSHOT_HASH_PREFIX}${projectKey}:${environmentKey}`;
}

/** The string key of the old layout (see `LEGACY_SNAPSHOT_KEY_PREFIX`). */
export function legacySnapshotKey(projectKey: string, environmentKey: string): string {
  return `${LEGACY_SNAPSHOT_KEY_PREFIX}${projectKey}:${environmentKey}`;
}

/**
 * Replaces the whole hash unless it holds this revision or a newer one; deletes the legacy key.
 * KEYS: hash, legacy key. ARGV: revision, head, flag order, segment order, then field/value pairs.
 * Returns 1 when written, 0 when the hash was at least as new.
 */
export const WRITE_FULL = `
local stored = tonumber(redis.call('HGET', KEYS[1], 'revision'))
if stored and stored >= tonumber(ARGV[1]) then return 0 end
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('HSET', KEYS[1], 'revision', ARGV[1], 'ordered', ARGV[1], 'head', ARGV[2], 'flags', ARGV[3], 'segments', ARGV[4])
for i = 5, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
return 1`;

/**
 * Applies a delta built from revision `base`. KEYS: hash. ARGV: base, revision, flag order (empty:
 * unchanged), segment order (empty: unchanged), covering ("1" when the delta holds every entry
 * that differs from `base`'s by identity, see `SnapshotDelta.covering`), number of deleted fields,
 * the deleted fields, then field/value pairs to set.
 * Applied when the hash is at `base`; also when it is between `base` and `revision` (other writers
 * landed revisions in between), if the delta is covering and neither it nor those revisions
 * changed the key order (field `ordered`: the revision the order was last written at), since the
 * entries those revisions changed are then in the delta too. Without a new order of a kind, the
 * delta may neither add nor delete entries of that kind (their place in the order is unknown).
 * Returns 1 when applied, 0 when the hash was already at `revision` or newer (another writer got
 * there first), -1 otherwise (missing, older than `base`, or the delta cannot apply): the writer
 * must write the whole snapshot instead.
 */
export const WRITE_DELTA = `
local stored = tonumber(redis.call('HGET', KEYS[1], 'revision'))
if stored == nil then return -1 end
local base = tonumber(ARGV[1])
if stored >= tonumber(ARGV[2]) then return 0 end
if stored < base then return -1 end
if stored > base then
  if ARGV[5] ~= '1' or ARGV[3] ~= '' or ARGV[4] ~= '' then return -1 end
  local ordered = tonumber(redis.call('HGET', KEYS[1], 'ordered'))
  if ordered == nil or ordered > base then return -1 end
end
local deletions = tonumber(ARGV[6])
local first = 7 + deletions
local function ordered(field)
  local kind = string.sub(field, 1, 2)
  return (kind == 'f:' and ARGV[3] ~= '') or (kind == 's:' and ARGV[4] ~= '')
end
for i = 7, first - 1 do
  if not ordered(ARGV[i]) then return -1 end
end
for i = first, #ARGV, 2 do
  if not ordered(ARGV[i]) and redis.call('HEXISTS', KEYS[1], ARGV[i]) == 0 then return -1 end
end
for i = 7, first - 1 do redis.call('HDEL', KEYS[1], ARGV[i]) end
for i = first, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'flags', ARGV[3]) end
if ARGV[4] ~= '' then redis.call('HSET', KEYS[1], 'segments', ARGV[4]) end
if ARGV[3] ~= '' or ARGV[4] ~= '' then redis.call('HSET', KEYS[1], 'ordered', ARGV[2]) end
redis.call('HSET', KEYS[1], 'revision', ARGV[2])
return 1`;

/** What changed between two revisions of a snapshot, as the hash stores it. */
export interface SnapshotDelta {
  projectKey: string;
  environmentKey: string;
  /** The revision the delta applies to. */
  base: number;
  revision: number;
  /** Flags added or replaced, whole. */
  flags: readonly Flag[];
  segments: readonly Segment[];
  deletedFlags: readonly string[];
  deletedSegments: readonly string[];
  /** The new order of flag keys, when flags were added, removed or reordered. */
  flagOrder?: readonly string[];
  segmentOrder?: readonly string[];
  /**
   * True when the delta holds every entry that is not the very entry (by identity, or by the
   * outbox hints) it was at `base`, so it also holds whatever revisions after `base` changed;
   * false when an entry was left out for being equal by JSON (it may have changed and changed back).
   */
  covering: boolean;
}

/** The ARGV of `WRITE_FULL` for `snapshot`. */
export function fullWriteArgs(snapshot: Snapshot): string[] {
  const { schemaVersion, projectKey, environmentKey } = snapshot;
  const args = [
    String(snapshot.revision),
    JSON.stringify({ schemaVersion, projectKey, environmentKey }),
    JSON.stringify(snapshot.flags.map((flag) => flag.key)),
    JSON.stringify(snapshot.segments.map((segment) => segment.key)),
  ];
  for (const flag of snapshot.flags) args.push(`f:${flag.key}`, JSON.stringify(flag));
  for (const segment of snapshot.segments) args.push(`s:${segment.key}`, JSON.stringify(segment));
  return args;
}

/** The ARGV of `WRITE_DELTA` for `delta`. */
export function deltaWriteArgs(delta: SnapshotDelta): string[] {
  const deleted = [...delta.deletedFlags.map((key) => `f:${key}`), ...delta.deletedSegments.map((key) => `s:${key}`)];
  const args = [
    String(delta.base),
    String(delta.revision),
    delta.flagOrder ? JSON.stringify(delta.flagOrder) : '',
    delta.segmentOrder ? JSON.stringify(delta.segmentOrder) : '',
    delta.covering ? '1' : '0',
    String(deleted.length),
    ...deleted,
  ];
  for (const flag of delta.flags) args.push(`f:${flag.key}`, JSON.stringify(flag));
  for (const segment of delta.segments) args.push(`s:${segment.key}`, JSON.stringify(segment));
  return args;
}

/**
 * The delta from `previous` to `next`. The feeds build a new revision by replacing only the
 * changed entries of the previous one, so identical entries are told apart without serializing
 * them; only entries that are not identical are compared by JSON. Undefined when `next` is not
 * newer or is another environment.
 */
export function snapshotDelta(previous: Snapshot, next: Snapshot): SnapshotDelta | undefined {
  if (next.revision <= previous.revision) return undefined;
  if (next.projectKey !== previous.projectKey || next.environmentKey !== previous.environmentKey) return undefined;
  const left = { out: false };
  const flags = changedEntries(previous.flags, next.flags, left);
  const segments = changedEntries(previous.segments, next.segments, left);
  return {
    projectKey: next.projectKey,
    environmentKey: next.environmentKey,
    base: previous.revision,
    revision: next.revision,
    flags: flags.changed,
    segments: segments.changed,
    deletedFlags: flags.deleted,
    deletedSegments: segments.deleted,
    flagOrder: flags.order,
    segmentOrder: segments.order,
    covering: !left.out,
  };
}

/**
 * Whether an entry changed: identical objects did not; others are compared by their JSON, which
 * only a snapshot rebuilt whole (a gap repair, the safety timer) makes common. Cheaper than sending
 * Redis an unchanged entry: every byte of a delta counts even when another replica's landed first.
 */
function differs(before: object, after: object, left: { out: boolean }): boolean {
  if (before === after) return false;
  if (JSON.stringify(before) !== JSON.stringify(after)) return true;
  left.out = true;
  return false;
}

function changedEntries<T extends { key: string }>(
  before: readonly T[],
  after: readonly T[],
  left: { out: boolean },
): { changed: T[]; deleted: string[]; order?: string[] } {
  // The usual case, the same keys in the same order: one pass comparing references.
  if (before.length === after.length) {
    const changed: T[] = [];
    let sameKeys = true;
    for (let index = 0; index < after.length && sameKeys; index++) {
      const entry = after[index]!;
      const old = before[index]!;
      if (entry.key !== old.key) sameKeys = false;
      else if (differs(old, entry, left)) changed.push(entry);
    }
    if (sameKeys) return { changed, deleted: [] };
  }
  const old = new Map(before.map((entry) => [entry.key, entry]));
  const changed = after.filter((entry) => {
    const previous = old.get(entry.key);
    return previous === undefined || differs(previous, entry, left);
  });
  const kept = new Set(after.map((entry) => entry.key));
  const deleted = before.filter((entry) => !kept.has(entry.key)).map((entry) => entry.key);
  return { changed, deleted, order: after.map((entry) => entry.key) };
}

/**
 * The snapshot an HGETALL of the hash returned; undefined when the hash is missing or not a whole
 * snapshot (an entry the order names is missing, or a field is not JSON).
 */
export function decodeSnapshotHash(fields: Record<string, string>): Snapshot | undefined {
  const { revision, head, flags, segments } = fields;
  if (revision === undefined || head === undefined || flags === undefined || segments === undefined) return undefined;
  try {
    const flagKeys = JSON.parse(flags) as string[];
    const segmentKeys = JSON.parse(segments) as string[];
    const entries = (prefix: string, keys: string[]): string | undefined => {
      const parts: string[] = [];
      for (const key of keys) {
        const entry = fields[prefix + key];
        if (entry === undefined) return undefined;
        parts.push(entry);
      }
      return `[${parts.join(',')}]`;
    };
    const flagJson = entries('f:', flagKeys);
    const segmentJson = entries('s:', segmentKeys);
    if (flagJson === undefined || segmentJson === undefined) return undefined;
    const top = JSON.parse(head) as Pick<Snapshot, 'schemaVersion' | 'projectKey' | 'environmentKey'>;
    return {
      schemaVersion: top.schemaVersion,
      projectKey: top.projectKey,
      environmentKey: top.environmentKey,
      revision: Number(revision),
      flags: JSON.parse(flagJson) as Flag[],
      segments: JSON.parse(segmentJson) as Segment[],
    };
  } catch {
    return undefined;
  }
}
