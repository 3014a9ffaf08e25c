import { applyPatch, toClientSnapshot, type Flag, type Snapshot } from '@switchyard/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  changedSegment,
  snapshotChangeArbitrary,
  testFlag,
} from '../../test/helpers/snapshot-changes.js';
import { nextClientView } from './client-view.js';
import { entryOf } from './entry-positions.js';
import { mergeChanged } from './merge-changed.js';
import { clientPatches, patchesBetween } from './patches.js';
import { snapshotJson } from './snapshot-json.js';

const FLAG_KEYS = ['a', 'b', 'c', 'd', 'e'];
const SEGMENT_KEYS = ['s1', 's2', 's3'];

const changeArb = snapshotChangeArbitrary(FLAG_KEYS, SEGMENT_KEYS);

const start: Snapshot = {
  schemaVersion: 1,
  projectKey: 'p',
  environmentKey: 'e',
  revision: 1,
  flags: FLAG_KEYS.map((key, index) =>
    testFlag(key, { enabled: index % 2 === 0, clientSide: index < 3, segment: SEGMENT_KEYS[index % 3] }),
  ),
  segments: SEGMENT_KEYS.map((key) => ({ key, conditions: [] })),
};

describe('incremental client view', () => {
  it('equals toClientSnapshot after every exact change, and its client patches lead there', () => {
    fc.assert(
      fc.property(fc.array(fc.array(changeArb, { minLength: 1, maxLength: 3 }), { maxLength: 12 }), (batches) => {
        let state = { snapshot: start, client: toClientSnapshot(start) };
        for (const batch of batches) {
          const revision = state.snapshot.revision + 1;
          const flags = new Map<string, Flag>();
          const segments = new Map<string, Snapshot['segments'][number]>();
          for (const change of batch) {
            if (change.kind === 'flag') {
              const version = entryOf(state.snapshot.flags, change.key)!.version + 1;
              flags.set(change.key, testFlag(change.key, { ...change, version }));
            } else {
              segments.set(change.key, changedSegment(change.key, change.value));
            }
          }
          const hint = { revision, flags: [...flags.keys()], segments: [...segments.keys()], committedAt: new Date() };
          const built = mergeChanged(state.snapshot, {
            environmentId: 'env',
            projectKey: 'p',
            environmentKey: 'e',
            revision,
            hints: [hint],
            flags: [...flags.values()],
            segments: [...segments.values()],
          })!;
          expect(built.exact).toBe(true);
          const incremental = nextClientView(state, built.snapshot, hint.flags, hint.segments);
          const whole = toClientSnapshot(built.snapshot);
          if (incremental) expect(snapshotJson(incremental)).toBe(JSON.stringify(whole));
          const client = incremental ?? whole;
          const patches = patchesBetween(state.snapshot, built.snapshot, [hint], true)!;
          expect(JSON.stringify(applyPatch(state.snapshot, patches[0]!))).toBe(JSON.stringify(built.snapshot));
          const [clientPatch] = clientPatches(patches, state.client, client, incremental !== null);
          const applied = applyPatch(state.client, clientPatch!);
          expect(canonicalJson(applied)).toBe(canonicalJson(whole));
          state = { snapshot: built.snapshot, client };
        }
      }),
      { numRuns: 300 },
    );
  });

  it('is used for a toggle, and declines a change that moves a flag in or out of the client view', () => {
    const client = toClientSnapshot(start);
    const toggled = {
      ...start,
      revision: 2,
      flags: start.flags.map((f) => (f.key === 'a' ? { ...f, enabled: !f.enabled } : f)),
    };
    expect(nextClientView({ snapshot: start, client }, toggled, ['a'], [])).not.toBeNull();
    const hidden = {
      ...start,
      revision: 2,
      flags: start.flags.map((f) => (f.key === 'a' ? { ...f, clientSide: false } : f)),
    };
    expect(nextClientView({ snapshot: start, client }, hidden, ['a'], [])).toBeNull();
  });
});
