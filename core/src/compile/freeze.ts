import type { JsonValue } from '../model/flag.js';

/**
 * A deep-frozen copy of a JSON value. Variant values are shared by every evaluation that serves
 * them, so they are copied (the caller's snapshot stays untouched) and frozen (no caller can
 * change what the next evaluation returns).
 */
export function frozenJsonCopy(value: JsonValue): JsonValue {
  // `value &&`: null is the one falsy object; other falsy values are returned as they are anyway.
  return value && typeof value == 'object'
    ? (Object.freeze(
        Array.isArray(value)
          ? value.map(frozenJsonCopy)
          : Object.fromEntries(Object.entries(value).map(([key, item]) => [key, frozenJsonCopy(item)])),
      ) as JsonValue)
    : value;
}
