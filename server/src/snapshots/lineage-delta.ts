import type { Snapshot } from '@switchyard/core';
import type { SnapshotDelta } from '../propagation/snapshot-hash.js';
import { entryOf, replacedKeysSince } from './entry-positions.js';

/**
 * The delta from `previous` to `next` read off the lineage of their entry lists (entry-positions.ts):
 * when `next` was made from `previous` by replacing entries in place, the replaced keys are the
 * delta, found without a walk over the other entries (a toggle at 10,000 flags costs the one flag).
 * Undefined when the lineage does not connect them (entries added or removed, a list rebuilt
 * whole, an overlay): `snapshotDelta` then compares the lists.
 */
export function lineageDelta(previous: Snapshot, next: Snapshot): SnapshotDelta | undefined {
  if (next.revision <= previous.revision) return undefined;
  if (next.projectKey !== previous.projectKey || next.environmentKey !== previous.environmentKey) return undefined;
  const flagKeys = replacedKeysSince(previous.flags, next.flags);
  const segmentKeys = replacedKeysSince(previous.segments, next.segments);
  if (!flagKeys || !segmentKeys) return undefined;
  const flags = flagKeys.map((key) => entryOf(next.flags, key));
  const segments = segmentKeys.map((key) => entryOf(next.segments, key));
  // In place means every key keeps its entry; a missing one would mean the lineage is wrong.
  if (flags.includes(undefined) || segments.includes(undefined)) return undefined;
  return {
    projectKey: next.projectKey,
    environmentKey: next.environmentKey,
    base: previous.revision,
    revision: next.revision,
    flags: flags as NonNullable<(typeof flags)[number]>[],
    segments: segments as NonNullable<(typeof segments)[number]>[],
    deletedFlags: [],
    deletedSegments: [],
    // Every entry that is not the very object it was at `base` was replaced, so it is in the delta.
    covering: true,
  };
}
