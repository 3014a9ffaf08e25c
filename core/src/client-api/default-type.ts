import type { FlagType } from '../model/flag.js';

/**
 * The flag type a default value asks for in `getValue(key, default)`: its JSON type (`json` for
 * objects and arrays), or none for `null` (any type is accepted).
 */
export function typeOfDefault(value: unknown): FlagType | undefined {
  const type = typeof value;
  return type == 'boolean' || type == 'string' || type == 'number'
    ? type
    : type == 'object' && value // null is the one falsy object
      ? 'json'
      : undefined;
}
