import { describe, expect, it } from 'vitest';
import { changedFlagKeys } from '../../src/sync/index.js';
import { booleanFlag, snapshot } from './fixtures.js';

const beta = { key: 'beta', conditions: [{ attribute: 'plan', operator: 'in' as const, values: ['pro'] }] };
const segmentRule = { id: 'r1', conditions: [], segments: ['beta'], serve: { variant: 'on' } };

describe('changedFlagKeys', () => {
  it('reports every flag when there was no snapshot before', () => {
    expect(changedFlagKeys(undefined, snapshot(1, [booleanFlag('b'), booleanFlag('a')]))).toEqual(['a', 'b']);
  });

  it('reports added, removed and redefined flags, not identical ones', () => {
    const before = snapshot(1, [booleanFlag('same'), booleanFlag('gone'), booleanFlag('edited')]);
    const after = snapshot(2, [booleanFlag('same'), booleanFlag('edited', { enabled: false }), booleanFlag('new')]);
    expect(changedFlagKeys(before, after)).toEqual(['edited', 'gone', 'new']);
  });

  it('reports flags whose rules use a changed segment', () => {
    const flags = [booleanFlag('uses-beta', { rules: [segmentRule] }), booleanFlag('other')];
    const before = snapshot(1, flags, [beta]);
    const after = snapshot(2, flags, [{ ...beta, conditions: [] }]);
    expect(changedFlagKeys(before, after)).toEqual(['uses-beta']);
    expect(changedFlagKeys(before, snapshot(2, flags, []))).toEqual(['uses-beta']);
  });

  it('propagates through prerequisite chains, and stops on cycles', () => {
    const child = booleanFlag('child', { prerequisites: [{ flagKey: 'parent', variants: ['on'] }] });
    const grandchild = booleanFlag('grandchild', { prerequisites: [{ flagKey: 'child', variants: ['on'] }] });
    const loopA = booleanFlag('loop-a', { prerequisites: [{ flagKey: 'loop-b', variants: ['on'] }] });
    const loopB = booleanFlag('loop-b', { prerequisites: [{ flagKey: 'loop-a', variants: ['on'] }] });
    const before = snapshot(1, [booleanFlag('parent'), child, grandchild, loopA, loopB]);
    const after = snapshot(2, [booleanFlag('parent', { enabled: false }), child, grandchild, loopA, loopB]);
    expect(changedFlagKeys(before, after)).toEqual(['child', 'grandchild', 'parent']);
  });

  it('compares only what the given patch touched', () => {
    const before = snapshot(1, [booleanFlag('a'), booleanFlag('b')]);
    const after = snapshot(2, [booleanFlag('a', { version: 2 }), booleanFlag('b', { version: 2 })]);
    const touched = { flags: [booleanFlag('b', { version: 2 })], segments: [], deletedFlags: [], deletedSegments: [] };
    expect(changedFlagKeys(before, after, touched)).toEqual(['b']);
    expect(changedFlagKeys(before, after, { ...touched, flags: [], deletedFlags: ['a'] })).toEqual(['a']);
  });
});
