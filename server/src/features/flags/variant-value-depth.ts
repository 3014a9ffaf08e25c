import { variantSchema } from '@switchyard/core/schema';

/** The deepest a variant's JSON value may nest arrays and objects (`[[1]]` is 2 levels). */
export const MAX_VARIANT_VALUE_DEPTH = 32;

/**
 * A variant as a write sends it: core's variant, with a value nested at most MAX_VARIANT_VALUE_DEPTH
 * levels. Values go to every SDK, whose JSON parsers and evaluators recurse; 3,000 levels overflowed
 * the server's own stack (a 500). (Any body deeper than MAX_BODY_DEPTH never gets this far.)
 */
export const writableVariantSchema = variantSchema
  .superRefine((variant, ctx) => {
    if (jsonDepth(variant.value) > MAX_VARIANT_VALUE_DEPTH) {
      ctx.addIssue({
        code: 'custom',
        path: ['value'],
        message: `must not be nested more than ${MAX_VARIANT_VALUE_DEPTH} levels deep`,
      });
    }
  })
  .describe(`A variant; its JSON value nests arrays and objects at most ${MAX_VARIANT_VALUE_DEPTH} levels deep`);

/** Levels of nested arrays and objects in `value` (0 for a scalar), without recursion. */
export function jsonDepth(value: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const [item, depth] = next;
    if (typeof item !== 'object' || item === null) continue;
    deepest = Math.max(deepest, depth + 1);
    for (const child of Object.values(item)) stack.push([child, depth + 1]);
  }
  return deepest;
}
