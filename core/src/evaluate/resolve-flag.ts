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
 * a parent that is already on the stack is a cycle (ERROR / GENERAL).
 */
function resolveChain(
  flags: ReadonlyMap<string, CompiledFlag>,
  root: CompiledFlag,
  context: EvaluationContext,
): ServedResult {
  const chain = [root];
  const next = [0]; // per frame: index of the prerequisite to look at next
  // Chains are short: scan them. Past 16 frames a Set keeps very deep chains linear.
  let onChain: Set<CompiledFlag> | undefined;
  let result: ServedResult;
  let parentDone = false; // `result` is the result of the top frame's prerequisite `next[top]`
  for (;;) {
    const top = chain.length - 1;
    const flag = chain[top]!;
    if (parentDone) {
      parentDone = false;
      if (result === undefined || result.reason == 'ERROR') result = flag.error_;
      else if (flag.prerequisites_[next[top]!]!.variants_.has(result.variant!)) {
        next[top]!++;
        continue;
      } else result = flag.failed_;
    } else if (!flag.enabled_) result = flag.off_;
    else if (next[top]! < flag.prerequisites_.length) {
      const parent = flags.get(flag.prerequisites_[next[top]!]!.key_);
      if (parent === undefined || (onChain ? onChain.has(parent) : chain.includes(parent))) result = flag.error_;
      else {
        chain.push(parent);
        next.push(0);
        if (onChain) onChain.add(parent);
        else if (chain.length > 16) onChain = new Set(chain);
        continue;
      }
    } else result = resolveRules(flag, context);
    // `flag` has its result: hand it to the frame below.
    chain.pop();
    next.pop();
    onChain?.delete(flag);
    if (!chain.length) return result;
    parentDone = true;
  }
}
