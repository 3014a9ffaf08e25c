import type { CompiledSnapshot, CompiledSnapshotImpl } from '../compile/compile-snapshot.js';
import type { EvaluationContext, FlagType, JsonValue } from '../model/flag.js';
import type { ErrorCode, EvaluationResult } from '../model/result.js';
import { TERSE_ERRORS } from '../model/terse-errors.js';
import { resolveFlag } from './resolve-flag.js';

const EMPTY_CONTEXT: EvaluationContext = Object.freeze({});

/**
 * A frozen result holding the caller's default with reason ERROR: what failed evaluations return.
 * Exported for the SDKs, whose own failures (e.g. no flags yet) have codes beyond core's.
 */
export function errorResult<T, C extends string = ErrorCode>(
  value: T,
  errorCode: C,
  errorMessage: string,
): Readonly<Omit<EvaluationResult<T>, 'errorCode'> & { errorCode: C }> {
  return Object.freeze({ value, reason: 'ERROR', errorCode, errorMessage });
}

/**
 * Evaluates `flagKey` for `context` (spec: "Evaluation"). Never throws: an unknown flag, a type
 * mismatch (when `expectedType` is given), a served variant that does not exist or any internal
 * failure returns `defaultValue` with reason ERROR and an error code. Results are frozen and may be
 * shared between calls.
 *
 * @example
 * const compiled = compileSnapshot(snapshot);
 * const { value, variant, reason } = evaluate(compiled, 'checkout-color', { userId: 'u-1' }, 'blue', 'string');
 */
export function evaluate<T>(
  compiled: CompiledSnapshot,
  flagKey: string,
  context: EvaluationContext,
  defaultValue: T,
  expectedType?: FlagType,
): EvaluationResult<T | JsonValue> {
  try {
    const flags = (compiled as CompiledSnapshotImpl).flags_;
    const flag = flags.get(flagKey);
    if (!flag) {
      return errorResult(defaultValue, 'FLAG_NOT_FOUND', TERSE_ERRORS ? flagKey : `flag "${flagKey}" not found`);
    }
    if (expectedType != null && expectedType != flag.type_) {
      return errorResult(
        defaultValue,
        'TYPE_MISMATCH',
        TERSE_ERRORS ? flagKey : `flag "${flagKey}" is ${flag.type_}, not ${expectedType}`,
      );
    }
    return (
      resolveFlag(flags, flag, context ?? EMPTY_CONTEXT) ??
      errorResult(
        defaultValue,
        'GENERAL',
        TERSE_ERRORS ? flagKey : `flag "${flagKey}" serves a variant it does not define`,
      )
    );
  } catch (error) {
    return errorResult(defaultValue, 'GENERAL', TERSE_ERRORS ? flagKey : `evaluation failed: ${String(error)}`);
  }
}

/**
 * Fast path for boolean flags: the served value, or `defaultValue` when the flag is unknown, not a
 * boolean flag, or evaluates to an error without a value. Never throws and allocates nothing beyond
 * the hash input.
 *
 * @example
 * if (isEnabled(compiled, 'new-checkout', { userId: 'u-1' })) renderNewCheckout();
 */
export function isEnabled(
  compiled: CompiledSnapshot,
  flagKey: string,
  context: EvaluationContext,
  defaultValue = false,
): boolean {
  try {
    const flags = (compiled as CompiledSnapshotImpl).flags_;
    const flag = flags.get(flagKey);
    if (flag?.type_ != 'boolean') return defaultValue;
    const value = resolveFlag(flags, flag, context ?? EMPTY_CONTEXT)?.value;
    return typeof value == 'boolean' ? value : defaultValue;
  } catch {
    return defaultValue;
  }
}
