import type { CompiledFlag, ServedResult } from '../compile/compiled-types.js';
import type { EvaluationContext } from '../model/flag.js';
import { resolveRules } from './resolve-rules.js';

/**
 * Evaluates an existing flag (spec steps 3 to 6). `undefined` = serve the default with GENERAL.
 *
 * Kept this small so that optimising compilers inline it, with the rule walk, into every caller
 * (V8 caps the bytecode it inlines per function); flags with prerequisites take the separate path.
 */
export function resolveFlag(
  flags: ReadonlyMap<string, CompiledFlag>,
  root: CompiledFlag,
  context: EvaluationContext,
): ServedResult {
  return root.prerequisites_.length
    ? resolveChain(flags, root, context)
    : root.enabled_
      ? resolveRules(root, context)
      : root.off_;
}

/**
 * {@link resolveFlag} for a flag with prerequisites. They are evaluated depth-first with an explicit
 * stack instead of recursion, so neither a cycle nor a very long chain can overflow the call stack;
 * a parent that is already being evaluated is a cycle (ERROR / GENERAL).
 */
function resolveChain(
  flags: ReadonlyMap<string, CompiledFlag>,
  root: CompiledFlag,
  context: EvaluationContext,
): ServedResult {
  /** Flags waiting for a prerequisite's result, each with that prerequisite's index. */
  const waiting: [CompiledFlag, number][] = [];
  /** `flag` and the flags waiting: meeting one of them again is a cycle. */
  const evaluating = new Set([root]);
  let flag = root;
  let index = 0; // of the prerequisite of `flag` to look at next
  let result: ServedResult;
  for (;;) {
    const prerequisite = flag.prerequisites_[index];
    if (!flag.enabled_) result = flag.off_;
    else if (prerequisite) {
      const parent = flags.get(prerequisite.key_);
      if (parent && !evaluating.has(parent)) {
        waiting.push([flag, index]);
        evaluating.add((flag = parent));
        index = 0;
        continue;
      }
      result = flag.error_;
    } else result = resolveRules(flag, context);
    // `result` is final for `flag`: hand it to the flags waiting for it, until one can go on.
    for (;;) {
      evaluating.delete(flag);
      const frame = waiting.pop();
      if (!frame) return result;
      [flag, index] = frame;
      if (result === undefined || result.reason == 'ERROR') result = flag.error_;
      else if (!flag.prerequisites_[index]!.variants_.has(result.variant!)) result = flag.failed_;
      else {
        index++;
        break;
      }
    }
  }
}
