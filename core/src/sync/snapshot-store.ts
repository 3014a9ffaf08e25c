import { compileSnapshot, type CompiledSnapshot } from '../compile/compile-snapshot.js';
import type { Snapshot } from '../model/flag.js';
import { applyPatch } from '../snapshot/apply-patch.js';
import { isSnapshot, isSnapshotPatch } from './wire-guards.js';

/**
 * What became of an update:
 * - `applied`: the store now holds it;
 * - `stale`: it is not newer than what the store holds, so it was ignored;
 * - `gap`: a patch for a later revision than the next one (or with no snapshot to patch): the
 *   caller must fetch the full snapshot;
 * - `invalid`: the payload is not a snapshot/patch of a schema version this SDK understands; the
 *   store is unchanged. (Compiling never fails: odd flags evaluate to the caller's default.)
 */
export type ApplyStatus = 'applied' | 'stale' | 'gap' | 'invalid';

/** Options of {@link SnapshotStore.applyPut}. */
export interface PutOptions {
  /**
   * Accept a snapshot older than the current one. Use it for the server's own answer (a fresh
   * connection's `put`, a fetched snapshot): it is the truth even if revisions went back, e.g.
   * after a restore from backup. Leave it off when choosing between local copies (bootstrap vs cache).
   */
  allowOlder?: boolean;
}

/**
 * The current snapshot of an SDK and its compiled form, updated by whole snapshots (`put`) and by
 * patches following the revision rules of the SDK protocol: a patch with revision R applies to
 * revision R-1; older is stale; newer is a gap. Pure and synchronous: transports live in the SDKs.
 *
 * It recompiles the whole snapshot on every update and does not say what an update changed: the
 * browser SDK (small client views; it compares values for its one user) carries neither the diff
 * nor the bookkeeping in its bundle. For large snapshots, `createIncrementalSnapshotStore`
 * (`@switchyard/core/sync/incremental`, the Node SDK) applies patches incrementally and reports
 * the changed flags.
 */
export interface SnapshotStore {
  /**
   * The snapshot held in compiled form, ready for `evaluate` (`compiled.snapshot` is the snapshot,
   * `compiled.revision` its revision), or `undefined` when empty.
   */
  readonly compiled: CompiledSnapshot | undefined;
  /** Replaces the snapshot with `snapshot` (unless it is older and `allowOlder` is not set). */
  applyPut(snapshot: unknown, options?: PutOptions): ApplyStatus;
  /** Applies `patch` when it is the next revision; see {@link ApplyStatus}. */
  applyPatch(patch: unknown): ApplyStatus;
}

/**
 * Creates a {@link SnapshotStore}, empty or holding `initial`. (Closures, not a class: they minify
 * smaller in the browser bundle.)
 */
export function createSnapshotStore(initial?: Snapshot): SnapshotStore {
  // `compiled` is a plain property that only `install` sets (read-only to users through the
  // interface): a getter over a closure variable costs the browser bundle more.
  const store: { -readonly [K in keyof SnapshotStore]: SnapshotStore[K] } = {
    compiled: undefined,
    applyPut(snapshot, options) {
      const before = store.compiled?.snapshot;
      if (!isSnapshot(snapshot)) return 'invalid';
      if (before && snapshot.revision < before.revision && !options?.allowOlder) return 'stale';
      return install(snapshot);
    },
    applyPatch(patch) {
      const before = store.compiled?.snapshot;
      if (!isSnapshotPatch(patch)) return 'invalid';
      if (!before || patch.revision > before.revision + 1) return 'gap';
      if (patch.revision <= before.revision) return 'stale';
      return install(applyPatch(before, patch));
    },
  };
  const install = (snapshot: Snapshot): ApplyStatus => {
    store.compiled = compileSnapshot(snapshot);
    return 'applied';
  };
  if (initial) store.applyPut(initial);
  return store;
}
