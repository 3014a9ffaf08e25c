import type { EvaluationContext } from '../model/flag.js';

const hasOwn = Object.prototype.hasOwnProperty;

/** `context[name]`, ignoring inherited properties (`constructor`, `toString`, ...). */
export function readAttribute(context: EvaluationContext, name: string): unknown {
  const value = context[name];
  return value === undefined || hasOwn.call(context, name) ? value : undefined;
}

/** The unit form of an attribute value, or `undefined` when it is absent (spec: "The unit"). */
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
  if (stickiness !== undefined) return unitValue(readAttribute(context, stickiness));
  const userId = unitValue(readAttribute(context, 'userId'));
  return userId !== undefined ? userId : unitValue(readAttribute(context, 'sessionId'));
}
