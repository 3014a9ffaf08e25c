import { SCHEMA_VERSION, type Flag, type Snapshot } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import { snapshotDelta, type SnapshotDelta } from '../propagation/snapshot-hash.js';
import { replacedInPlace, replacedKeysSince } from './entry-positions.js';
import { lineageDelta } from './lineage-delta.js';

const flag = (key: string, version = 1): Flag =>
  ({ key, type: 'boolean', enabled: version % 2 === 1, offVariant: 'off', version }) as unknown as Flag;

const root = (): Snapshot => ({
  schemaVersion: SCHEMA_VERSION,
  projectKey: 'shop',
  environmentKey: 'prod',
  revision: 1,
  flags: Array.from({ length: 100 }, (_, index) => flag(`f${String(index).padStart(3, '0')}`)),
  segments: [{ key: 'beta', conditions: [] }],
});

/** `snapshot` one revision on, with these flags replaced in place (as the feeds build a change). */
function changed(snapshot: Snapshot, ...keys: string[]): Snapshot {
  const replacements = keys.map((key) => flag(key, snapshot.revision + 1));
  return { ...snapshot, revision: snapshot.revision + 1, flags: replacedInPlace(snapshot.flags, replacements)! };
}

describe('deltas read off the lineage of in-place replacements', () => {
  it('hold exactly the replaced entries, over one revision or several, like a full comparison', () => {
    const one = root();
    const two = changed(one, 'f007');
    const three = changed(two, 'f050', 'f007');
    const four = changed(three, 'f099');
    expect(lineageDelta(one, two)).toEqual(snapshotDelta(one, two));
    const coalesced = lineageDelta(two, four)!;
    const byKey = (delta: SnapshotDelta) => ({
      ...delta,
      flags: [...delta.flags].sort((x, y) => (x.key < y.key ? -1 : 1)),
    });
    expect(byKey(coalesced)).toEqual(byKey(snapshotDelta(two, four)!)); // in another order: Redis does not care
    expect(coalesced.flags.map((entry) => entry.key).sort()).toEqual(['f007', 'f050', 'f099']);
    expect(coalesced).toMatchObject({ base: 2, revision: 4, covering: true, deletedFlags: [] });
    expect(lineageDelta(one, four)!.flags).toHaveLength(3);
  });

  it('are not read off when the lists are not related by replacement, nor backwards', () => {
    const one = root();
    const two = changed(one, 'f001');
    const rebuilt = { ...two, revision: 3, flags: two.flags.map((entry) => ({ ...entry })) };
    expect(lineageDelta(two, rebuilt)).toBeUndefined(); // the caller compares instead
    expect(lineageDelta(two, one)).toBeUndefined();
    const other = changed(root(), 'f001');
    expect(replacedKeysSince(other.flags, two.flags)).toBeUndefined();
  });

  it('keep a bounded chain: far-apart revisions fall back to the comparison', () => {
    let current = root();
    const first = current;
    for (let step = 0; step < 70; step++) current = changed(current, `f0${String(step % 100).padStart(2, '0')}`);
    expect(lineageDelta(first, current)).toBeUndefined();
    let near = current;
    for (let step = 0; step < 10; step++) near = changed(near, 'f010');
    expect(lineageDelta(current, near)!.flags.map((entry) => entry.key)).toEqual(['f010']);
  });
});
