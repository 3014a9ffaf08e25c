import type { JsonValue } from '../model/flag.js';

/**
 * A deep-frozen copy of a JSON value. Variant values are shared by every evaluation that serves
 * them, so they are copied (the caller's snapshot stays untouched) and frozen (no caller can
 * change what the next evaluation returns).
 */
export function frozenJsonCopy(value: JsonValue): JsonValue {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return Object.freeze(value.map(frozenJsonCopy)) as JsonValue;
  const copy: { [key: string]: JsonValue } = {};
  for (const key of Object.keys(value)) copy[key] = frozenJsonCopy(value[key]!);
  return Object.freeze(copy);
}
