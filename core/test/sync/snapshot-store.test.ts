import { describe, expect, it } from 'vitest';
import { evaluate, type Snapshot } from '../../src/index.js';
import { createSnapshotStore, type SnapshotStore } from '../../src/sync/index.js';
import { createIncrementalSnapshotStore } from '../../src/sync/incremental-store.js';
import { booleanFlag, patch, snapshot } from './fixtures.js';

// The full-recompile store (browser) and the incremental one (Node) follow the same rules.
describe.each([
  ['createSnapshotStore', createSnapshotStore],
  ['createIncrementalSnapshotStore', createIncrementalSnapshotStore],
])('SnapshotStore (%s)', (_name, createSnapshotStore: (initial?: Snapshot) => SnapshotStore) => {
  const storeAt = (revision: number): SnapshotStore =>
    createSnapshotStore(snapshot(revision, [booleanFlag('checkout'), booleanFlag('banner')]));

  it('starts empty, and a put installs a compiled snapshot', () => {
    const store = createSnapshotStore();
    expect(store.compiled?.revision).toBeUndefined();
    expect(store.applyPut(snapshot(3, [booleanFlag('checkout')]))).toBe('applied');
    expect(store.compiled?.revision).toBe(3);
    expect(evaluate(store.compiled!, 'checkout', {}, false).value).toBe(true);
  });

  it('applies the next revision', () => {
    const store = storeAt(5);
    const result = store.applyPatch(
      patch(6, { flags: [booleanFlag('checkout', { enabled: false, version: 2 })], deletedFlags: ['banner'] }),
    );
    expect(result).toBe('applied');
    expect(store.compiled?.revision).toBe(6);
    expect(store.compiled?.flagKeys().includes('banner')).toBe(false);
    expect(evaluate(store.compiled!, 'checkout', {}, true)).toMatchObject({ value: false, reason: 'DISABLED' });
  });

  it('applies a patch that changes nothing, for its revision', () => {
    const store = storeAt(5);
    expect(store.applyPatch(patch(6, { flags: [booleanFlag('checkout')] }))).toBe('applied');
    expect(store.compiled?.revision).toBe(6);
  });

  it('ignores patches at or below the current revision (stale)', () => {
    const store = storeAt(5);
    const before = store.compiled;
    for (const revision of [5, 4, 0]) {
      expect(store.applyPatch(patch(revision, { deletedFlags: ['checkout'] }))).toBe('stale');
    }
    expect(store.compiled).toBe(before);
  });

  it('reports a gap for a patch beyond the next revision, or with nothing to patch', () => {
    const store = storeAt(5);
    expect(store.applyPatch(patch(7, { deletedFlags: ['checkout'] }))).toBe('gap');
    expect(store.compiled?.revision).toBe(5);
    expect(createSnapshotStore().applyPatch(patch(1))).toBe('gap');
  });

  it('refuses an older put unless allowOlder is set', () => {
    const store = storeAt(5);
    expect(store.applyPut(snapshot(4, []))).toBe('stale');
    expect(store.compiled?.revision).toBe(5);
    expect(store.applyPut(snapshot(4, []), { allowOlder: true })).toBe('applied');
    expect(store.compiled?.revision).toBe(4);
  });

  it('accepts a put at the same revision', () => {
    const store = storeAt(5);
    expect(store.applyPut(snapshot(5, [booleanFlag('checkout')]))).toBe('applied');
    expect(store.compiled?.flagKeys()).toEqual(['checkout']);
  });

  it('rejects garbage and other schema versions without touching the store', () => {
    const store = storeAt(5);
    const garbage: unknown[] = [
      null,
      '<html>502</html>',
      42,
      [],
      { ...snapshot(6, []), schemaVersion: 2 },
      { ...snapshot(6, []), revision: -1 },
      { ...snapshot(6, []), revision: '6' },
      { ...snapshot(6, []), flags: [{ nokey: true }] },
      { ...snapshot(6, []), segments: undefined },
    ];
    for (const payload of garbage) expect(store.applyPut(payload)).toBe('invalid');
    const badPatches: unknown[] = [
      { ...patch(6), deletedFlags: [1] },
      { ...patch(6), flags: 'x' },
      { ...patch(6), schemaVersion: 0 },
    ];
    for (const payload of badPatches) expect(store.applyPatch(payload)).toBe('invalid');
    expect(store.compiled?.revision).toBe(5);
    expect(store.compiled?.flagKeys().sort()).toEqual(['banner', 'checkout']);
  });

  it('starts from an initial snapshot and patches it', () => {
    const store = createSnapshotStore(snapshot(1, [booleanFlag('checkout')]));
    expect(store.applyPatch(patch(2, { deletedFlags: ['checkout'] }))).toBe('applied');
    expect(store.compiled?.flagKeys().includes('checkout')).toBe(false);
  });
});
