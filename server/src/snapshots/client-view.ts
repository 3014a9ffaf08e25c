import type { Flag, Snapshot } from '@switchyard/core';
import { entryOf, positionsOf, replacedInPlace } from './entry-positions.js';

/**
 * The client view of `after` (what `toClientSnapshot(after)` gives), made from the client view of
 * `before` by replacing the entries of the changed keys in place, without a walk over the whole
 * snapshot. Only when no changed key enters or leaves the client view: each changed flag keeps its
 * `clientSide` and the segments its rules use, and each changed segment stays (so the segments the
 * client view holds stay the same). Null otherwise, and the caller derives the view whole.
 * `after` must differ from `before` only in `flagKeys` and `segmentKeys` (an `exact` build).
 */
export function nextClientView(
  before: { snapshot: Snapshot; client: Snapshot },
  after: Snapshot,
  flagKeys: readonly string[],
  segmentKeys: readonly string[],
): Snapshot | null {
  const flags: Flag[] = [];
  for (const key of new Set(flagKeys)) {
    const old = entryOf(before.snapshot.flags, key);
    const next = entryOf(after.flags, key);
    if (!old || !next) return null;
    const wasClient = old.clientSide === true;
    if (wasClient !== (next.clientSide === true)) return null;
    if (!wasClient) continue;
    if (segmentsUsed(old) !== segmentsUsed(next)) return null;
    flags.push(next);
  }
  const held = positionsOf(before.client.segments);
  const segments = [];
  for (const key of new Set(segmentKeys)) {
    const next = entryOf(after.segments, key);
    if (!next || !entryOf(before.snapshot.segments, key)) return null;
    if (held.has(key)) segments.push(next);
  }
  const clientFlags = flags.length === 0 ? before.client.flags : replacedInPlace(before.client.flags, flags);
  const clientSegments =
    segments.length === 0 ? before.client.segments : replacedInPlace(before.client.segments, segments);
  if (!clientFlags || !clientSegments) return null;
  return { ...before.client, revision: after.revision, flags: clientFlags, segments: clientSegments };
}

/** The segment keys a flag's rules use, as one comparable string. */
function segmentsUsed(flag: Flag): string {
  return [...new Set(flag.rules.flatMap((rule) => rule.segments))].sort().join('\u0000');
}
