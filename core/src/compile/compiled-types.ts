import type { FlagType } from '../model/flag.js';
import type { EvaluationResult } from '../model/result.js';
import type { CompiledCondition } from '../operators/compile-condition.js';

/**
 * Internal, precompiled form of a snapshot. Everything an evaluation needs is resolved here once:
 * variant lookups, segment references, parsed operator values and the frozen result objects that
 * evaluations hand out. `undefined` where a result is expected means "the variant does not exist":
 * the evaluation then returns the caller's default with error GENERAL.
 */

/** A pre-allocated, frozen result, or `undefined` for a variant that is not in the flag. */
export type ServedResult = EvaluationResult | undefined;

export interface CompiledSegment {
  readonly conditions: readonly CompiledCondition[];
}

/** What a rule or the fallthrough serves. One shape for both kinds keeps the hot path monomorphic. */
export interface CompiledServe {
  readonly isSplit: boolean;
  /** The result of a single-variant serve. */
  readonly result: ServedResult;
  /** Split: cumulative weights; share `i` is chosen when `thresholds[i] > variantBucket`. */
  readonly thresholds: readonly number[];
  /** Split: the result of each share. */
  readonly results: readonly ServedResult[];
  /** Split: the result served to a unit that is absent (first share with a weight > 0). */
  readonly absentUnitResult: ServedResult;
  readonly stickiness: string | undefined;
}

export interface CompiledRule {
  readonly id: string;
  readonly conditions: readonly CompiledCondition[];
  readonly segments: readonly CompiledSegment[];
  /** No conditions and no segments: the rule targets everyone (skips matching on the hot path). */
  readonly targetsEveryone: boolean;
  /** A referenced segment is not in the snapshot: the rule never matches. */
  readonly missingSegment: boolean;
  /** Basis points; 10000 when the rule has no rollout. */
  readonly rolloutPercentage: number;
  readonly rolloutStickiness: string | undefined;
  readonly serve: CompiledServe;
}

export interface CompiledPrerequisite {
  readonly flagKey: string;
  readonly variants: ReadonlySet<string>;
}

export interface CompiledFlag {
  readonly key: string;
  readonly type: FlagType;
  /** `salt + ':'`, the constant head of every hash input of this flag. */
  readonly hashPrefix: string;
  readonly hashPrefixAscii: boolean;
  readonly enabled: boolean;
  readonly rules: readonly CompiledRule[];
  readonly fallthrough: CompiledServe;
  readonly prerequisites: readonly CompiledPrerequisite[];
  /** Off variant, reason DISABLED. */
  readonly offResult: ServedResult;
  /** Off variant, reason PREREQUISITE_FAILED. */
  readonly prerequisiteFailedResult: ServedResult;
  /** Off variant, reason ERROR / GENERAL (missing parent, cycle, parent in error). */
  readonly prerequisiteErrorResult: ServedResult;
}
