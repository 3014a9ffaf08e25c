import { applyPatch, compileSnapshot } from '../index.js';
import type { CompiledSnapshot } from '../index.js';
import type { Snapshot } from '../model/flag.js';
import { changedFlagKeys } from './changed-flags.js';
import { isSnapshot, isSnapshotPatch } from './wire-guards.js';

/**
 * What became of an update:
 * - `applied`: the store now holds it;
 * - `stale`: it is not newer than what the store holds, so it was ignored;
 * - `gap`: a patch for a later revision than the next one (or with no snapshot to patch): the
 *   caller must fetch the full snapshot;
 * - `invalid`: the payload is not a snapshot/patch of a schema version this SDK understands, or it
 *   could not be compiled; the store is unchanged.
 */
export type ApplyStatus = 'applied' | 'stale' | 'gap' | 'invalid';

/** Outcome of {@link SnapshotStore.applyPut} / {@link SnapshotStore.applyPatch}. */
export interface ApplyResult {
  status: ApplyStatus;
  /** Keys (sorted) of flags whose evaluation may have changed; empty unless `applied`. */
  changedFlags: string[];
}

/** Options of {@link SnapshotStore.applyPut}. */
export interface PutOptions {
  /**
   * Accept a snapshot older than the current one. Use it for the server's own answer (a fresh
   * connection's `put`, a fetched snapshot): it is the truth even if revisions went back, e.g.
   * after a restore from backup. Leave it off when choosing between local copies (bootstrap vs cache).
   */
  allowOlder?: boolean;
}

const NOTHING_CHANGED: readonly string[] = Object.freeze([]);

function result(status: ApplyStatus, changedFlags: readonly string[] = NOTHING_CHANGED): ApplyResult {
  return { status, changedFlags: [...changedFlags] };
}

/**
 * The current snapshot of an SDK and its compiled form, updated by whole snapshots (`put`) and by
 * patches following the revision rules of the SDK protocol: a patch with revision R applies to
 * revision R-1; older is stale; newer is a gap. Pure and synchronous: transports live in the SDKs.
 */
export class SnapshotStore {
  #current: Snapshot | undefined;
  #compiledSnapshot: CompiledSnapshot | undefined;

  constructor(initial?: Snapshot) {
    if (initial) this.applyPut(initial);
  }

  /** The snapshot held, if any. */
  get snapshot(): Snapshot | undefined {
    return this.#current;
  }

  /** The compiled form of {@link snapshot}, ready for `evaluate`. */
  get compiled(): CompiledSnapshot | undefined {
    return this.#compiledSnapshot;
  }

  /** Revision held, or `undefined` when empty. */
  get revision(): number | undefined {
    return this.#current?.revision;
  }

  /** Replaces the snapshot with `snapshot` (unless it is older and `allowOlder` is not set). */
  applyPut(snapshot: unknown, options: PutOptions = {}): ApplyResult {
    if (!isSnapshot(snapshot)) return result('invalid');
    const before = this.#current;
    if (before && snapshot.revision < before.revision && !options.allowOlder) return result('stale');
    if (!this.#install(snapshot)) return result('invalid');
    return result('applied', changedFlagKeys(before, snapshot));
  }

  /** Applies `patch` when it is the next revision; see {@link ApplyStatus}. */
  applyPatch(patch: unknown): ApplyResult {
    if (!isSnapshotPatch(patch)) return result('invalid');
    const before = this.#current;
    if (!before) return result('gap');
    if (patch.revision <= before.revision) return result('stale');
    if (patch.revision > before.revision + 1) return result('gap');
    let after: Snapshot;
    try {
      after = applyPatch(before, patch);
    } catch {
      return result('invalid');
    }
    if (!this.#install(after)) return result('invalid');
    const touched = {
      flags: [...patch.flags.map((flag) => flag.key), ...patch.deletedFlags],
      segments: [...patch.segments.map((segment) => segment.key), ...patch.deletedSegments],
    };
    return result('applied', changedFlagKeys(before, after, touched));
  }

  /** Compiles and installs `snapshot`; false (store untouched) when it cannot be compiled. */
  #install(snapshot: Snapshot): boolean {
    let compiled: CompiledSnapshot;
    try {
      compiled = compileSnapshot(snapshot);
    } catch {
      return false;
    }
    this.#current = snapshot;
    this.#compiledSnapshot = compiled;
    return true;
  }
}
