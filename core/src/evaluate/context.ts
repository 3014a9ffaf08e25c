import type { EvaluationContext } from '../model/flag.js';

/**
 * `context[name]`, ignoring inherited properties (`constructor`, `toString`, `__proto__`, ...).
 * Inherited members of a plain object are functions or objects, so only such values pay for the
 * own-property check.
 */
export function readAttribute(context: EvaluationContext, name: string): unknown {
  const value: unknown = context[name];
  return (typeof value == 'object' || typeof value == 'function') && value !== null && !Object.hasOwn(context, name)
    ? undefined
    : value;
}

/**
 * The unit form of an attribute value, or `undefined` when it is absent (spec: "The unit"): a
 * non-empty string as is, a number or boolean as `String(value)`. Inherited members are never
 * strings, numbers or booleans, so no own-property check is needed.
 */
const unitValue = (value: unknown): string | undefined =>
  typeof value == 'string'
    ? value || undefined
    : typeof value == 'number' || typeof value == 'boolean'
      ? String(value)
      : undefined;

/** The hashing unit: `stickiness` when given, else `userId` falling back to `sessionId`. */
export function unitOf(context: EvaluationContext, stickiness: string | undefined): string | undefined {
  return stickiness !== undefined
    ? unitValue(context[stickiness])
    : (unitValue(context.userId) ?? unitValue(context.sessionId));
}
