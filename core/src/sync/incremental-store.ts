import { IncrementalCompilation, IncrementalCompiledSnapshot } from '../compile/incremental-compile.js';
import { changedFlagKeys } from './changed-flags.js';
import type { Snapshot } from '../model/flag.js';
import type { SnapshotStore } from './snapshot-store.js';
import { isSnapshot, isSnapshotPatch } from './wire-guards.js';

/** A {@link SnapshotStore} that also says which flags its last update changed. */
export interface IncrementalSnapshotStore extends SnapshotStore {
  /**
   * Keys (sorted) of the flags whose evaluation may differ since the update before the last
   * applied one, as {@link changedFlagKeys} defines them; empty before the first update and after
   * the first snapshot (nothing to compare with). Computed on demand (a whole snapshot: a
   * comparison of both; a patch: O(what it touched and what depends on it)).
   */
  changedFlagKeys(): string[];
  /**
   * After a patch: keys of the flags whose compiled form it replaced or removed (their handles
   * from `findFlag` and result objects are new; every other flag keeps its own). `undefined`
   * after a whole snapshot (everything is new) and before any update.
   */
  replacedFlagKeys(): readonly string[] | undefined;
}

/**
 * A {@link SnapshotStore} (empty, or holding `initial`) for servers holding large snapshots (sdk-node): a patch costs O(what it
 * touches and what depends on it) instead of O(snapshot) — it is checked, applied and compiled
 * incrementally (see `IncrementalCompilation`), and the changed flags come from reverse indexes.
 * Same revision rules and results as {@link createSnapshotStore}. The compiled snapshot of the
 * previous revision is retired by a patch (it shares the flag table, updated in place): always
 * evaluate against `store.compiled`.
 *
 * Import it from `@switchyard/core/sync/incremental`: the browser SDK uses `createSnapshotStore`
 * (small client views), and a subpath of its own keeps this out of its bundle entirely.
 */
export function createIncrementalSnapshotStore(initial?: Snapshot): IncrementalSnapshotStore {
  let compilation: IncrementalCompilation | undefined;
  let changed: () => string[] = () => [];
  let replaced: readonly string[] | undefined;
  // The protocol's revision rules, as in createSnapshotStore (whose store compiles in full).
  const store: { -readonly [K in keyof IncrementalSnapshotStore]: IncrementalSnapshotStore[K] } = {
    compiled: undefined,
    applyPut(snapshot, options) {
      const before = store.compiled;
      if (!isSnapshot(snapshot)) return 'invalid';
      if (before && snapshot.revision < before.revision && !options?.allowOlder) return 'stale';
      // A fresh compilation: the previous one (and `before`, its view) stays as it was.
      compilation = new IncrementalCompilation(snapshot);
      const after = (store.compiled = new IncrementalCompiledSnapshot(compilation));
      changed = before ? () => changedFlagKeys(before.snapshot, after.snapshot) : () => [];
      replaced = undefined;
      return 'applied';
    },
    applyPatch(patch) {
      // The shape check looks at the patch only: O(patch).
      if (!isSnapshotPatch(patch)) return 'invalid';
      if (!compilation || patch.revision > compilation.revision + 1) return 'gap';
      if (patch.revision <= compilation.revision) return 'stale';
      const { changedFlags, replacedFlags } = compilation.apply(patch);
      store.compiled = new IncrementalCompiledSnapshot(compilation);
      changed = () => changedFlags;
      replaced = replacedFlags;
      return 'applied';
    },
    changedFlagKeys: () => changed(),
    replacedFlagKeys: () => replaced,
  };
  if (initial) store.applyPut(initial);
  return store;
}
