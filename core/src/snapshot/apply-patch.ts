import type { Snapshot, SnapshotPatch } from '../model/flag.js';

/**
 * Replaces items by key in place, appends new ones, then drops deleted keys (deletion wins). A Map
 * does the ordering: `set` on a key it holds keeps that key's position.
 */
function mergeByKey<T extends { key: string }>(
  current: readonly T[],
  upserts: readonly T[],
  deleted: readonly string[],
): T[] {
  const byKey = new Map(current.map((item) => [item.key, item]));
  for (const item of upserts) byKey.set(item.key, item);
  for (const key of deleted) byKey.delete(key);
  return [...byKey.values()];
}

/**
 * Applies a patch and returns a new snapshot; neither argument is modified. A patch whose revision
 * is not newer than the snapshot's is stale (already applied or superseded) and is ignored, so
 * replaying a patch is harmless. Items keep their position when replaced; new ones are appended.
 */
export function applyPatch(snapshot: Snapshot, patch: SnapshotPatch): Snapshot {
  if (patch.revision <= snapshot.revision) return snapshot;
  return {
    ...snapshot,
    revision: patch.revision,
    flags: mergeByKey(snapshot.flags, patch.flags, patch.deletedFlags),
    segments: mergeByKey(snapshot.segments, patch.segments, patch.deletedSegments),
  };
}
