import type { CompiledSnapshot, CompiledSnapshotImpl } from '../compile/compile-snapshot.js';
import type { CompiledFlag } from '../compile/compiled-types.js';
import type { EvaluationContext, FlagType } from '../model/flag.js';
import type { EvaluationResult } from '../model/result.js';
import { resolveFlag } from './resolve-flag.js';
import { resolveRules } from './resolve-rules.js';

const EMPTY_CONTEXT: EvaluationContext = Object.freeze({});

/** One flag of one compiled snapshot, found by {@link findFlag}. Opaque; valid with that snapshot only. */
export interface FlagHandle {
  readonly __flagHandle: never;
}

/**
 * The flag `flagKey` of `compiled`, or `undefined` when it has none. For SDKs that keep state per
 * flag beside a snapshot (usage counters): they look a key up once in their own table, which holds
 * the handle, instead of once there and once more in `evaluate`.
 */
export function findFlag(compiled: CompiledSnapshot, flagKey: string): FlagHandle | undefined {
  return (compiled as CompiledSnapshotImpl).flags_.get(flagKey) as FlagHandle | undefined;
}

/**
 * What `evaluate(compiled, flagKey, context, defaultValue, expectedType)` returns for the flag
 * `flag` of `compiled` when that is a served variant: the same shared, frozen result object. Where
 * `evaluate` would return the caller's default (type mismatch, error GENERAL) this returns
 * `undefined`, so a caller that needs the error's code and message asks `evaluate`. Never throws.
 */
export function serveFlag(
  compiled: CompiledSnapshot,
  flag: FlagHandle,
  context: EvaluationContext,
  expectedType?: FlagType,
): EvaluationResult | undefined {
  try {
    const compiledFlag = flag as unknown as CompiledFlag;
    if (expectedType != null && expectedType != compiledFlag.type_) return undefined;
    // resolveFlag, with the snapshot's flag map read only where prerequisites need it.
    if (compiledFlag.prerequisites_.length) {
      return resolveFlag((compiled as CompiledSnapshotImpl).flags_, compiledFlag, context ?? EMPTY_CONTEXT);
    }
    return compiledFlag.enabled_ ? resolveRules(compiledFlag, context ?? EMPTY_CONTEXT) : compiledFlag.off_;
  } catch {
    return undefined;
  }
}
