import type { JsonValue } from './flag.js';

/** OpenFeature's resolution reasons, plus PREREQUISITE_FAILED (OpenFeature allows custom reasons). */
export type Reason = 'STATIC' | 'TARGETING_MATCH' | 'SPLIT' | 'DEFAULT' | 'DISABLED' | 'PREREQUISITE_FAILED' | 'ERROR';

/** OpenFeature's error codes that evaluation can produce. */
export type ErrorCode = 'FLAG_NOT_FOUND' | 'TYPE_MISMATCH' | 'PARSE_ERROR' | 'GENERAL';

/** The outcome of one evaluation. Objects returned by the evaluator are frozen and may be shared. */
export interface EvaluationResult<T = JsonValue> {
  value: T;
  /** Variant key served; absent when the caller's default was returned. */
  variant?: string;
  reason: Reason;
  /** The rule that matched (TARGETING_MATCH, or SPLIT from a rule). */
  ruleId?: string;
  errorCode?: ErrorCode;
  errorMessage?: string;
}
