import type { Flag, Segment, Snapshot } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import { mergeChanged } from './merge-changed.js';
import type { ChangedEntries, RevisionHint } from './snapshot-builder.js';

// Only `key` matters to the merge; the rest stands for "some entry value".
const flag = (key: string, enabled = true) => ({ key, enabled }) as unknown as Flag;
const segment = (key: string) => ({ key, conditions: [] }) as Segment;
const base: Snapshot = {
  schemaVersion: 1,
  projectKey: 'shop',
  environmentKey: 'prod',
  revision: 5,
  flags: [flag('a'), flag('b'), flag('c')],
  segments: [segment('s1'), segment('s2')],
} as Snapshot;
const hint = (revision: number, flags: string[], segments: string[] = []): RevisionHint => ({
  revision,
  flags,
  segments,
  committedAt: new Date(0),
});
const changed = (entries: Partial<ChangedEntries>): ChangedEntries => ({
  environmentId: 'env',
  projectKey: 'shop',
  environmentKey: 'prod',
  revision: 6,
  hints: [hint(6, ['b'])],
  flags: [flag('b', false)],
  segments: [],
  ...entries,
});

describe('mergeChanged', () => {
  it('replaces changed entries in place, drops deleted ones and keeps every other entry object', () => {
    const built = mergeChanged(
      base,
      changed({
        revision: 7,
        hints: [hint(6, ['b']), hint(7, ['c'], ['s1'])],
        flags: [flag('b', false)],
        segments: [],
      }),
    )!;
    expect(built.snapshot.revision).toBe(7);
    expect(built.snapshot.flags).toEqual([flag('a'), flag('b', false)]);
    expect(built.snapshot.flags[0]).toBe(base.flags[0]);
    expect(built.snapshot.segments).toEqual([segment('s2')]);
    expect(Object.keys(built.snapshot)).toEqual(Object.keys(base));
    expect(built.hints.map((entry) => entry.revision)).toEqual([6, 7]);
  });

  it('asks for a full reload when the changed entries alone cannot tell the new snapshot', () => {
    expect(mergeChanged(base, changed({ hints: [] }))).toBeNull(); // pruned hint
    expect(mergeChanged(base, changed({ hints: [hint(6, [])], flags: [] }))).toBeNull(); // empty hint
    expect(mergeChanged(base, changed({ revision: 4, hints: [] }))).toBeNull(); // went back
    expect(mergeChanged(base, changed({ hints: [hint(6, ['z'])], flags: [flag('z')] }))).toBeNull(); // new key
    expect(mergeChanged(base, changed({ environmentKey: 'staging' }))).toBeNull();
  });

  it('leaves the snapshot as it is when no revision is new', () => {
    const built = mergeChanged(base, changed({ revision: 5, hints: [], flags: [] }))!;
    expect(built.snapshot.revision).toBe(5);
    expect(built.snapshot.flags).toEqual(base.flags);
  });
});
