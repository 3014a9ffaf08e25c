import { applyPatch, toClientSnapshot, type Snapshot } from '@switchyard/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clientPatches, patchesBetween } from './patches.js';
import type { RevisionHint } from './snapshot-builder.js';
import {
  canonicalJson,
  changedSegment,
  snapshotChangeArbitrary,
  testFlag,
  type SnapshotChange,
} from '../../test/helpers/snapshot-changes.js';

const FLAG_KEYS = ['a', 'b', 'c', 'd'];
const SEGMENT_KEYS = ['s1', 's2'];

const changeArb = snapshotChangeArbitrary(FLAG_KEYS, SEGMENT_KEYS);

/** Snapshots s0..sN and the hint of every revision, as the database and the outbox would have them. */
function history(changes: SnapshotChange[][]): { snapshots: Snapshot[]; hints: RevisionHint[] } {
  let current: Snapshot = {
    schemaVersion: 1,
    projectKey: 'p',
    environmentKey: 'e',
    revision: 0,
    flags: [testFlag('a', { clientSide: true, segment: 's1' }), testFlag('b', { enabled: false })],
    segments: SEGMENT_KEYS.map((key) => ({ key, conditions: [] })),
  };
  const snapshots = [current];
  const hints: RevisionHint[] = [];
  for (const [index, batch] of changes.entries()) {
    const flags = new Map(current.flags.map((item) => [item.key, item]));
    const segments = new Map(current.segments.map((item) => [item.key, item]));
    const hint: RevisionHint = { revision: index + 1, flags: [], segments: [], committedAt: new Date() };
    for (const change of batch) {
      if (change.kind === 'flag') {
        if (change.present) flags.set(change.key, testFlag(change.key, { ...change, version: index + 2 }));
        else flags.delete(change.key);
        hint.flags.push(change.key);
      } else {
        segments.set(change.key, changedSegment(change.key, change.value));
        hint.segments.push(change.key);
      }
    }
    current = {
      ...current,
      revision: index + 1,
      flags: [...flags.values()].sort((x, y) => x.key.localeCompare(y.key)),
      segments: [...segments.values()].sort((x, y) => x.key.localeCompare(y.key)),
    };
    snapshots.push(current);
    hints.push(hint);
  }
  return { snapshots, hints };
}

describe('patchesBetween', () => {
  it('gives one patch per revision that takes any state in between to the target', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(changeArb, { maxLength: 3 }), { minLength: 1, maxLength: 8 }),
        fc.nat(),
        (changes, pick) => {
          const { snapshots, hints } = history(changes);
          const target = snapshots.at(-1)!;
          const base = snapshots[pick % snapshots.length]!;
          const patches = patchesBetween(
            base,
            target,
            hints.filter((hint) => hint.revision > base.revision),
          )!;
          expect(patches.map((patch) => patch.revision)).toEqual(
            Array.from({ length: target.revision - base.revision }, (_, index) => base.revision + index + 1),
          );
          // From every true intermediate state (another replica's put, an SDK resuming here), and
          // through the mixed states of applying the patches one by one, the end is the target.
          for (const start of snapshots.slice(base.revision)) {
            let state = start;
            for (const patch of patches) if (patch.revision > start.revision) state = applyPatch(state, patch);
            expect(canonicalJson(state)).toBe(canonicalJson(target));
          }
          // Client view, from the base (a stream connected before the changes): a patch deletes only
          // what the stream holds when it arrives (earlier patches of the run already applied).
          const client = clientPatches(patches, toClientSnapshot(base), toClientSnapshot(target));
          let clientState = toClientSnapshot(base);
          for (const patch of client) {
            expect(patch.deletedFlags.filter((key) => !clientState.flags.some((held) => held.key === key))).toEqual([]);
            expect(
              patch.deletedSegments.filter((key) => !clientState.segments.some((held) => held.key === key)),
            ).toEqual([]);
            clientState = applyPatch(clientState, patch);
          }
          expect(canonicalJson(clientState)).toBe(canonicalJson(toClientSnapshot(target)));
          for (const patch of client) for (const sent of patch.flags) expect(sent.clientSide).toBe(true);
          // Nothing outside the client views at both ends is named, not even as a deletion.
          const named = new Set(
            [toClientSnapshot(base), toClientSnapshot(target)].flatMap((view) => [
              ...view.flags.map((item) => item.key),
              ...view.segments.map((item) => item.key),
            ]),
          );
          for (const patch of client) {
            const keys = [
              ...patch.flags.map((item) => item.key),
              ...patch.deletedFlags,
              ...patch.segments.map((item) => item.key),
              ...patch.deletedSegments,
            ];
            expect(keys.filter((key) => !named.has(key))).toEqual([]);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('deletes a key from a client stream once, in the patch whose revision took it out of the client view', () => {
    // Revision 1 makes `a` server-only; revision 2 changes a segment only (1 and 2 were written
    // concurrently, and a replica reads both at once). `a` differs between the client views at 0
    // and 2, but patch 1 already deleted it: patch 2 must not name it again, the stream no longer
    // holds it.
    const { snapshots, hints } = history([
      [{ kind: 'flag', key: 'a', present: true, enabled: true, clientSide: false, segment: 's1' }],
      [{ kind: 'segment', key: 's2', value: 'x' }],
    ]);
    const patches = patchesBetween(snapshots[0]!, snapshots[2]!, hints)!;
    const client = clientPatches(patches, toClientSnapshot(snapshots[0]!), toClientSnapshot(snapshots[2]!));
    // `s1`, which only `a` used, leaves with the last patch (the views at both ends differ on it).
    expect(client.map((patch) => [patch.deletedFlags, patch.deletedSegments])).toEqual([
      [['a'], []],
      [[], ['s1']],
    ]);
  });

  it('does not delete a key again when a later revision of the run changes it while server-only', () => {
    const { snapshots, hints } = history([
      [{ kind: 'flag', key: 'a', present: true, enabled: true, clientSide: false, segment: 's1' }],
      [{ kind: 'flag', key: 'a', present: true, enabled: false, clientSide: false, segment: 's1' }],
    ]);
    const patches = patchesBetween(snapshots[0]!, snapshots[2]!, hints)!;
    const client = clientPatches(patches, toClientSnapshot(snapshots[0]!), toClientSnapshot(snapshots[2]!));
    // `s1`, which only `a` used, leaves with the last patch (the views at both ends differ on it).
    expect(client.map((patch) => [patch.deletedFlags, patch.deletedSegments])).toEqual([
      [['a'], []],
      [[], ['s1']],
    ]);
  });

  it('returns null when a revision has no hint (pruned outbox), so streams get a put', () => {
    const { snapshots, hints } = history([[], [], []]);
    expect(patchesBetween(snapshots[0]!, snapshots[3]!, [hints[0]!, hints[2]!])).toBeNull();
  });

  it('adds keys that changed without a hint to the last patch', () => {
    const { snapshots } = history([[]]);
    const changed: Snapshot = {
      ...snapshots[1]!,
      revision: 2,
      flags: [testFlag('a', { enabled: false, clientSide: true, version: 9 })],
    };
    const patches = patchesBetween(snapshots[1]!, changed, [
      { revision: 2, flags: [], segments: [], committedAt: new Date() },
    ])!;
    expect(patches[0]!.flags.map((item) => item.key)).toEqual(['a']);
    expect(patches[0]!.deletedFlags).toEqual(['b']);
  });
});
