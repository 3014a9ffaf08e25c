import {
  evaluate,
  type CompiledSnapshot,
  type EvaluationContext,
  type EvaluationResult,
  type JsonValue,
  type Reason,
} from '@switchyard/core';

/**
 * OFREP error codes Switchyard answers with. Evaluation itself yields FLAG_NOT_FOUND, GENERAL and
 * (in principle) PARSE_ERROR; INVALID_CONTEXT is a request Switchyard cannot evaluate. OFREP has
 * no flag type in the request, so TYPE_MISMATCH is the provider's to find; TARGETING_KEY_MISSING
 * is never sent: a rollout without a unit follows Switchyard's rules (spec: "The unit").
 */
export type OfrepErrorCode = 'FLAG_NOT_FOUND' | 'PARSE_ERROR' | 'INVALID_CONTEXT' | 'GENERAL';

/** A successful evaluation: OFREP's `evaluationSuccess`. */
export interface OfrepSuccess {
  key: string;
  value: JsonValue;
  /** Core's reason as is: OpenFeature's STATIC, TARGETING_MATCH, SPLIT, DEFAULT, DISABLED, plus PREREQUISITE_FAILED. */
  reason: Exclude<Reason, 'ERROR'>;
  variant?: string;
  /** `ruleId`: the rule that matched (TARGETING_MATCH, or SPLIT from a rule). Left out when empty. */
  metadata?: Record<string, string>;
}

/** A failed evaluation: OFREP's `evaluationFailure` / `flagNotFound` (and a bulk item). */
export interface OfrepFailure {
  key: string;
  errorCode: OfrepErrorCode;
  errorDetails: string;
}

export type OfrepEvaluation = OfrepSuccess | OfrepFailure;

/**
 * The OFREP form of a core result. Every core ERROR is a failure, whatever value core chose to
 * serve with it (an off variant for a broken prerequisite): OpenFeature callers then get their own
 * default, as OFREP providers do for every failure.
 */
export function toOfrepEvaluation(key: string, result: EvaluationResult<unknown>): OfrepEvaluation {
  if (result.reason === 'ERROR') {
    const errorCode: OfrepErrorCode =
      result.errorCode === 'FLAG_NOT_FOUND' || result.errorCode === 'PARSE_ERROR' ? result.errorCode : 'GENERAL';
    return { key, errorCode, errorDetails: result.errorMessage ?? errorCode };
  }
  const success: OfrepSuccess = { key, value: result.value as JsonValue, reason: result.reason };
  if (result.variant !== undefined) success.variant = result.variant;
  if (result.ruleId !== undefined) success.metadata = { ruleId: result.ruleId };
  return success;
}

/**
 * HTTP status of a single-flag evaluation: 200 for a success, 404 for FLAG_NOT_FOUND, 400 for the
 * other failures (OFREP's failure statuses; its providers read 400, 404 and 500 alike, and a 500
 * is kept for bugs).
 */
export function ofrepStatus(evaluation: OfrepEvaluation): 200 | 400 | 404 {
  if (!('errorCode' in evaluation)) return 200;
  return evaluation.errorCode === 'FLAG_NOT_FOUND' ? 404 : 400;
}

/** Evaluates one flag the OFREP way: no caller default (the provider keeps it), no expected type. */
export function evaluateOne(compiled: CompiledSnapshot, key: string, context: EvaluationContext): OfrepEvaluation {
  return toOfrepEvaluation(key, evaluate(compiled, key, context, null));
}

/** Every flag of `keys`, in that order: the `flags` of a bulk evaluation. */
export function evaluateAll(
  compiled: CompiledSnapshot,
  keys: readonly string[],
  context: EvaluationContext,
): OfrepEvaluation[] {
  return keys.map((key) => evaluateOne(compiled, key, context));
}
