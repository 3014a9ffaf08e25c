import type { Flag, Snapshot } from '../model/flag.js';
import { compileCondition } from '../operators/compile-condition.js';
import { compileFlag } from './compile-flag.js';
import type { CompiledFlag, ContextTest } from './compiled-types.js';
import { listOf } from './list-of.js';

/** A snapshot prepared for evaluation. Build it once per snapshot with `compileSnapshot`. */
export interface CompiledSnapshot {
  /** The snapshot this was compiled from (not copied; do not mutate it). */
  readonly snapshot: Snapshot;
  readonly revision: number;
  /** Keys of all flags, in snapshot order. */
  flagKeys(): string[];
}

/** What `compileSnapshot` returns: a plain object (smaller in the browser bundle than a class); the evaluator reads `flags_`. */
export interface CompiledSnapshotImpl extends CompiledSnapshot {
  /** @internal */
  readonly flags_: ReadonlyMap<string, CompiledFlag>;
}

/**
 * Precompiles a snapshot: segment and flag maps, parsed operator values, RegExps, Sets and every
 * result object an evaluation can return. Never throws: a flag that cannot be compiled evaluates to
 * the caller's default with error GENERAL. Later duplicates of a key replace earlier ones.
 */
export function compileSnapshot(snapshot: Snapshot): CompiledSnapshot {
  const segments = new Map<string, readonly ContextTest[]>();
  for (const segment of listOf(snapshot?.segments)) {
    try {
      segments.set(segment.key, listOf(segment.conditions).map(compileCondition));
    } catch {
      // A segment that cannot be compiled is treated as missing: rules referencing it never match.
    }
  }
  const flags = new Map<string, CompiledFlag>();
  for (const flag of listOf(snapshot?.flags)) {
    const key = flag?.key;
    if (typeof key != 'string') continue;
    try {
      flags.set(key, compileFlag(flag, segments));
    } catch {
      // Stand-in for a flag that cannot be compiled: no variants, so every evaluation returns the default (GENERAL).
      flags.set(key, compileFlag({ key, type: flag.type } as Flag, segments));
    }
  }
  const compiled: CompiledSnapshotImpl = {
    snapshot,
    revision: snapshot?.revision,
    flags_: flags,
    flagKeys: () => [...flags.keys()],
  };
  return compiled;
}
