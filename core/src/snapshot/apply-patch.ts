import type { Snapshot, SnapshotPatch } from '../model/flag.js';

/** Replaces items by key in place, appends new ones, then drops deleted keys (deletion wins). */
function mergeByKey<T extends { key: string }>(
  current: readonly T[],
  upserts: readonly T[],
  deleted: readonly string[],
): T[] {
  const replacements = new Map<string, T>();
  for (const item of upserts) replacements.set(item.key, item);
  const gone = new Set(deleted);
  const merged: T[] = [];
  for (const item of current) {
    if (gone.has(item.key)) continue;
    const replacement = replacements.get(item.key);
    merged.push(replacement ?? item);
    replacements.delete(item.key);
  }
  for (const item of replacements.values()) if (!gone.has(item.key)) merged.push(item);
  return merged;
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
