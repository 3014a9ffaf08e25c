import type { FlagType, JsonValue } from '@switchyard/core';
import type { ClientErrorCode, EvaluationDetails } from './types.js';

/** The caller's default with reason ERROR; what every failed evaluation returns. */
export function defaultResult<T>(value: T, errorCode: ClientErrorCode, errorMessage: string): EvaluationDetails<T> {
  return Object.freeze({ value, reason: 'ERROR', errorCode, errorMessage });
}

/** The flag type a default value asks for: its JSON type (`json` for objects and arrays), or none for `null`. */
export function typeOfDefault(value: unknown): FlagType | undefined {
  const type = typeof value;
  if (type === 'boolean' || type === 'string' || type === 'number') return type;
  return value !== null && type === 'object' ? 'json' : undefined;
}

/**
 * Evaluation against a bootstrap value map (`{ [flagKey]: value }`, already evaluated by the server
 * for one user). Such a value carries no variant and no rule, so it is reported as `CACHED`.
 * The map does not know the flag's declared type: a `json` request accepts any value, the others
 * check the value's JSON type.
 */
export function evaluateValue<T>(
  values: Readonly<Record<string, JsonValue>>,
  flagKey: string,
  defaultValue: T,
  expectedType: FlagType | undefined,
): EvaluationDetails<T | JsonValue> {
  if (!Object.prototype.hasOwnProperty.call(values, flagKey)) {
    return defaultResult(defaultValue, 'FLAG_NOT_FOUND', `flag "${flagKey}" not found`);
  }
  const value = values[flagKey] as JsonValue;
  if (expectedType && expectedType !== 'json' && typeof value !== expectedType) {
    return defaultResult(defaultValue, 'TYPE_MISMATCH', `flag "${flagKey}" is not a ${expectedType}`);
  }
  return Object.freeze({ value, reason: 'CACHED' });
}
