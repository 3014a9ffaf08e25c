import type { FlagType } from '@switchyard/core';
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
