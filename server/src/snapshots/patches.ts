import { SCHEMA_VERSION, type Flag, type Segment, type Snapshot, type SnapshotPatch } from '@switchyard/core';
import { entryJson, entryOf, positionsOf } from './entry-positions.js';
import type { RevisionHint } from './snapshot-builder.js';

/**
 * Per-revision patches from `before` (revision b) to `after` (revision S): one patch for every
 * revision in (b, S], as the protocol requires (a patch R applies to R-1). The database only gives
 * us the state at S, so patch r carries, with their values at S, the keys revision r changed (its
 * outbox hint). Replaying the patches from any state between b and S therefore ends at exactly S:
 * every key changed after that state is set to its value at S, and no other key changed.
 * Keys that differ between `before` and `after` without any hint naming them (a write path that
 * under-reported) are added to the last patch, so the end state is right whatever the hints say.
 *
 * With `exact` (the caller made `after` from `before` by replacing only the hinted keys, see
 * `mergeChanged`) there is no drift to look for, and the cost is that of the hinted keys alone.
 *
 * Returns null when a revision in (b, S] has no hint (its outbox row was pruned): then the
 * receivers need a full snapshot.
 */
export function patchesBetween(
  before: Snapshot,
  after: Snapshot,
  hints: readonly RevisionHint[],
  exact = false,
): SnapshotPatch[] | null {
  const byRevision = new Map(hints.map((hint) => [hint.revision, hint]));
  for (let revision = before.revision + 1; revision <= after.revision; revision++) {
    if (!byRevision.has(revision)) return null;
  }
  const flags = lookup(after.flags);
  const segments = lookup(after.segments);
  const drift = exact
    ? { flags: [], segments: [] }
    : { flags: changedKeys(before.flags, after.flags), segments: changedKeys(before.segments, after.segments) };
  const patches: SnapshotPatch[] = [];
  for (let revision = before.revision + 1; revision <= after.revision; revision++) {
    const hint = byRevision.get(revision)!;
    const last = revision === after.revision;
    const flagKeys = last ? union(hint.flags, drift.flags) : hint.flags;
    const segmentKeys = last ? union(hint.segments, drift.segments) : hint.segments;
    patches.push(patchOf(revision, flagKeys, segmentKeys, flags, segments));
  }
  return patches;
}

/**
 * The client-token view of `patches` (which lead from `before` to `after`, server view), for a
 * stream that holds `clientBefore` (the client view at `before`): each patch keeps only what the
 * client view may know. A key is sent whole when `clientAfter` holds it (a flag that became
 * client-side, or a segment a client-side flag now references, is added), deleted when the stream
 * holds it when the patch arrives (it knew it: a flag that stopped being clientSide, was archived or
 * deleted, a segment no client-side flag uses any more), and otherwise left out: a server-only
 * flag or segment is never named, not even as a deletion. A patch whose changes were all
 * server-only is empty; it still advances the revision, as the protocol requires.
 *
 * What the stream holds is followed patch by patch, not taken from `clientBefore` for the whole
 * run: a key that two revisions of the run name (or one revision and the last patch's drift) is
 * deleted once; the second patch would otherwise delete a key the stream no longer holds.
 *
 * Only correct for a stream at exactly `clientBefore` (or `clientAfter`): a client view in between
 * is not known here, so a client stream resuming inside the run gets a put (see EnvironmentFeed).
 * With `exact` (`clientAfter` differs from `clientBefore` only in keys the patches name, see
 * `nextClientView`), no drift is looked for and the cost is that of the named keys alone.
 */
export function clientPatches(
  patches: readonly SnapshotPatch[],
  clientBefore: Snapshot,
  clientAfter: Snapshot,
  exact = false,
): SnapshotPatch[] {
  const flags = lookup(clientAfter.flags);
  const segments = lookup(clientAfter.segments);
  /** What a stream that held `clientBefore` holds after the patches made so far (see above). */
  const heldFlags = heldKeys(positionsOf(clientBefore.flags));
  const heldSegments = heldKeys(positionsOf(clientBefore.segments));
  const drift = exact
    ? { flags: [], segments: [] }
    : {
        flags: changedKeys(clientBefore.flags, clientAfter.flags),
        segments: changedKeys(clientBefore.segments, clientAfter.segments),
      };
  const visible = (keys: readonly string[], now: Lookup<unknown>, held: HeldKeys) =>
    keys.filter((key) => now.has(key) || held.has(key));
  return patches.map((patch, index) => {
    const last = index === patches.length - 1;
    const flagKeys = [...patch.flags.map((flag) => flag.key), ...patch.deletedFlags];
    const segmentKeys = [...patch.segments.map((segment) => segment.key), ...patch.deletedSegments];
    for (const key of flagKeys) {
      for (const rule of flags.get(key)?.rules ?? []) segmentKeys.push(...rule.segments);
    }
    const clientPatch = patchOf(
      patch.revision,
      visible(last ? union(flagKeys, drift.flags) : unique(flagKeys), flags, heldFlags),
      visible(last ? union(segmentKeys, drift.segments) : unique(segmentKeys), segments, heldSegments),
      flags,
      segments,
    );
    for (const key of clientPatch.deletedFlags) heldFlags.set(key, false);
    for (const key of clientPatch.deletedSegments) heldSegments.set(key, false);
    for (const flag of clientPatch.flags) heldFlags.set(flag.key, true);
    for (const segment of clientPatch.segments) heldSegments.set(segment.key, true);
    return clientPatch;
  });
}

interface HeldKeys {
  has(key: string): boolean;
  set(key: string, held: boolean): void;
}

/** The keys of a view (its positions, cached per snapshot) with the run's changes on top: O(changes), not O(view). */
function heldKeys(initial: ReadonlyMap<string, unknown>): HeldKeys {
  const changed = new Map<string, boolean>();
  return {
    has: (key) => changed.get(key) ?? initial.has(key),
    set: (key, held) => void changed.set(key, held),
  };
}

function patchOf(
  revision: number,
  flagKeys: readonly string[],
  segmentKeys: readonly string[],
  flags: Lookup<Flag>,
  segments: Lookup<Segment>,
): SnapshotPatch {
  const patch: SnapshotPatch = {
    schemaVersion: SCHEMA_VERSION,
    revision,
    flags: [],
    deletedFlags: [],
    segments: [],
    deletedSegments: [],
  };
  for (const key of flagKeys) {
    const flag = flags.get(key);
    if (flag) patch.flags.push(flag);
    else patch.deletedFlags.push(key);
  }
  for (const key of segmentKeys) {
    const segment = segments.get(key);
    if (segment) patch.segments.push(segment);
    else patch.deletedSegments.push(key);
  }
  return patch;
}

/** Entries by key, without building a map per revision (positions are shared, see entry-positions.ts). */
interface Lookup<T> {
  get(key: string): T | undefined;
  has(key: string): boolean;
}

function lookup<T extends { key: string }>(items: readonly T[]): Lookup<T> {
  return { get: (key) => entryOf(items, key), has: (key) => positionsOf(items).has(key) };
}

/** Keys present in only one list, or present in both with different JSON. */
function changedKeys<T extends { key: string }>(before: readonly T[], after: readonly T[]): string[] {
  const previous = new Map(before.map((item) => [item.key, entryJson(item)]));
  const changed: string[] = [];
  for (const item of after) {
    const json = previous.get(item.key);
    if (json === undefined || json !== entryJson(item)) changed.push(item.key);
    previous.delete(item.key);
  }
  changed.push(...previous.keys());
  return changed;
}

function unique(keys: readonly string[]): string[] {
  return [...new Set(keys)];
}

function union(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])];
}
