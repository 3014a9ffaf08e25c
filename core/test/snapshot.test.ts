import { describe, expect, it } from 'vitest';
import { applyPatch, toClientSnapshot, type Snapshot, type SnapshotPatch } from '../src/index.js';
import { booleanFlag, ruleWith, snapshotOf } from './fixtures.js';

const patchOf = (overrides: Partial<SnapshotPatch>): SnapshotPatch => ({
  schemaVersion: 1,
  revision: 2,
  flags: [],
  deletedFlags: [],
  segments: [],
  deletedSegments: [],
  ...overrides,
});

describe('applyPatch', () => {
  const base: Snapshot = snapshotOf(
    [booleanFlag({ key: 'a' }), booleanFlag({ key: 'b' }), booleanFlag({ key: 'c' })],
    [
      { key: 's1', conditions: [] },
      { key: 's2', conditions: [] },
    ],
    1,
  );

  it('replaces flags in place, appends new ones, drops deleted ones and takes the patch revision', () => {
    const b2 = booleanFlag({ key: 'b', version: 2 });
    const d = booleanFlag({ key: 'd' });
    const next = applyPatch(
      base,
      patchOf({
        flags: [d, b2],
        deletedFlags: ['a'],
        segments: [{ key: 's3', conditions: [] }],
        deletedSegments: ['s1'],
      }),
    );
    expect(next.revision).toBe(2);
    expect(next.flags.map((flag) => flag.key)).toEqual(['b', 'c', 'd']);
    expect(next.flags[0]).toBe(b2);
    expect(next.segments.map((segment) => segment.key)).toEqual(['s2', 's3']);
    expect(next.projectKey).toBe(base.projectKey);
  });

  it('is pure: the input snapshot is not modified', () => {
    const before = JSON.stringify(base);
    applyPatch(base, patchOf({ deletedFlags: ['a', 'b'], flags: [booleanFlag({ key: 'z' })] }));
    expect(JSON.stringify(base)).toBe(before);
  });

  it('ignores a stale patch (revision not newer)', () => {
    const current = { ...base, revision: 5 };
    expect(applyPatch(current, patchOf({ revision: 5, deletedFlags: ['a'] }))).toBe(current);
    expect(applyPatch(current, patchOf({ revision: 3, deletedFlags: ['a'] }))).toBe(current);
  });

  it('lets a deletion win over an upsert of the same key', () => {
    const next = applyPatch(base, patchOf({ flags: [booleanFlag({ key: 'a' })], deletedFlags: ['a'] }));
    expect(next.flags.map((flag) => flag.key)).toEqual(['b', 'c']);
  });
});

describe('toClientSnapshot', () => {
  it('keeps only client-side flags and the segments their rules reference', () => {
    const snapshot = snapshotOf(
      [
        booleanFlag({ key: 'server-only', rules: [ruleWith([], { segments: ['secret'] })] }),
        booleanFlag({ key: 'client', clientSide: true, rules: [ruleWith([], { segments: ['public'] })] }),
        booleanFlag({ key: 'explicitly-not', clientSide: false }),
      ],
      [
        { key: 'secret', conditions: [] },
        { key: 'public', conditions: [] },
        { key: 'unused', conditions: [] },
      ],
      9,
    );
    const client = toClientSnapshot(snapshot);
    expect(client.flags.map((flag) => flag.key)).toEqual(['client']);
    expect(client.segments.map((segment) => segment.key)).toEqual(['public']);
    expect(client.revision).toBe(9);
    expect(snapshot.flags).toHaveLength(3);
  });
});
