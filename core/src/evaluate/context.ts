import type { EvaluationContext } from '../model/flag.js';

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * `context[name]`, ignoring inherited properties (`constructor`, `toString`, `__proto__`, ...).
 * Inherited members of a plain object are functions or objects, so only such values pay for the
 * own-property check.
 */
export function readAttribute(context: EvaluationContext, name: string): unknown {
  const value: unknown = context[name];
  if (typeof value === 'function' || (typeof value === 'object' && value !== null && !Array.isArray(value))) {
    return hasOwn.call(context, name) ? value : undefined;
  }
  return value;
}

/**
 * The unit form of an attribute value, or `undefined` when it is absent (spec: "The unit").
 * Inherited members are never strings, numbers or booleans, so no own-property check is needed.
 */
function unitValue(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return value === '' ? undefined : value;
    case 'number':
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      return undefined; // missing, null, arrays and anything else
  }
}

/** The hashing unit: `stickiness` when given, else `userId` falling back to `sessionId`. */
export function unitOf(context: EvaluationContext, stickiness: string | undefined): string | undefined {
  if (stickiness !== undefined) return unitValue(context[stickiness]);
  const userId = unitValue(context.userId);
  return userId !== undefined ? userId : unitValue(context.sessionId);
}
