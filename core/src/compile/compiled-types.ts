import type { EvaluationContext, FlagType } from '../model/flag.js';
import type { EvaluationResult } from '../model/result.js';

/**
 * Internal, precompiled form of a snapshot. Everything an evaluation needs is resolved here once:
 * variant lookups, segment references, parsed operator values and the frozen result objects that
 * evaluations hand out. `undefined` where a result is expected means "the variant does not exist":
 * the evaluation then returns the caller's default with error GENERAL.
 *
 * Internal property names end in `_`: the browser build mangles exactly those (esbuild
 * `mangleProps: /_$/`), so they must never be wire or public names.
 */

/** A pre-allocated, frozen result, or `undefined` for a variant that is not in the flag. */
export type ServedResult = EvaluationResult | undefined;

/** A compiled condition (or a missing segment): whether it holds for a context. */
export type ContextTest = (context: EvaluationContext) => boolean;

/** What a rule or the fallthrough serves. One shape for both kinds keeps the hot path monomorphic. */
export interface CompiledServe {
  /** A single variant's result, or for a split the result of an absent unit (first share with weight > 0). */
  readonly result_: ServedResult;
  /** Split only: cumulative weights; share `i` is chosen when `thresholds_[i] > variantBucket`. */
  readonly thresholds_: readonly number[] | undefined;
  /** Split only: the result of each share. */
  readonly results_: readonly ServedResult[] | undefined;
  readonly stickiness_: string | undefined;
}

export interface CompiledRule {
  readonly id_: string;
  /** The rule's conditions followed by those of its segments (a missing segment is a test that fails). */
  readonly tests_: readonly ContextTest[];
  /** Basis points; 10000 when the rule has no rollout. */
  readonly percentage_: number;
  readonly stickiness_: string | undefined;
  readonly serve_: CompiledServe;
}

export interface CompiledPrerequisite {
  readonly key_: string;
  readonly variants_: ReadonlySet<string>;
}

export interface CompiledFlag {
  readonly type_: FlagType;
  /** `salt + ':'`, the constant head of every hash input of this flag. */
  readonly prefix_: string;
  /** `isAsciiPrefix(prefix_)`: hashing may skip UTF-8 encoding the prefix. */
  readonly ascii_: boolean;
  readonly enabled_: boolean;
  readonly rules_: readonly CompiledRule[];
  readonly fallthrough_: CompiledServe;
  readonly prerequisites_: readonly CompiledPrerequisite[];
  /** Off variant, reason DISABLED. */
  readonly off_: ServedResult;
  /** Off variant, reason PREREQUISITE_FAILED. */
  readonly failed_: ServedResult;
  /** Off variant, reason ERROR / GENERAL (missing parent, cycle, parent in error). */
  readonly error_: ServedResult;
}
