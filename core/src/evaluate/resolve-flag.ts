import type { CompiledFlag, ServedResult } from '../compile/compiled-types.js';
import type { EvaluationContext } from '../model/flag.js';
import { resolveRules } from './resolve-rules.js';

const LONG_CHAIN = 16;

/**
 * Whether a prerequisite's parent result lets the child go on: `null` to continue, otherwise the
 * child's own (final) result.
 */
function prerequisiteVerdict(child: CompiledFlag, index: number, parentResult: ServedResult): ServedResult | null {
  if (parentResult === undefined || parentResult.reason === 'ERROR') return child.prerequisiteErrorResult;
  const allowed = child.prerequisites[index]!.variants;
  return allowed.has(parentResult.variant!) ? null : child.prerequisiteFailedResult;
}

/**
 * Steps 3 to 6 of the spec for an enabled flag with prerequisites. Parents are evaluated depth-first
 * with an explicit stack instead of recursion, so neither a cycle nor a very long chain can overflow
 * the call stack; a parent that is already on the stack is a cycle (ERROR / GENERAL).
 */
function resolveWithPrerequisites(
  flags: ReadonlyMap<string, CompiledFlag>,
  root: CompiledFlag,
  context: EvaluationContext,
): ServedResult {
  const chain: CompiledFlag[] = [root];
  const next: number[] = [0]; // per frame: index of the prerequisite to look at next
  // Chains are short: scan them. Past LONG_CHAIN a Set keeps very deep chains linear.
  let onChain: Set<CompiledFlag> | undefined;
  for (;;) {
    const top = chain.length - 1;
    const flag = chain[top]!;
    const index = next[top]!;
    let finished: ServedResult | null = null; // set when `flag` has its result
    if (index >= flag.prerequisites.length) {
      finished = resolveRules(flag, context);
    } else {
      const parent = flags.get(flag.prerequisites[index]!.flagKey);
      const cyclic = parent !== undefined && (onChain === undefined ? chain.includes(parent) : onChain.has(parent));
      if (parent === undefined || cyclic) {
        finished = flag.prerequisiteErrorResult;
      } else if (parent.enabled && parent.prerequisites.length > 0) {
        chain.push(parent);
        next.push(0);
        if (onChain !== undefined) onChain.add(parent);
        else if (chain.length > LONG_CHAIN) onChain = new Set(chain);
        continue;
      } else {
        const parentResult = parent.enabled ? resolveRules(parent, context) : parent.offResult;
        finished = prerequisiteVerdict(flag, index, parentResult);
        if (finished === null) {
          next[top] = index + 1;
          continue;
        }
      }
    }
    // `flag` is done: hand its result down the chain until some frame can go on.
    let result: ServedResult = finished;
    for (;;) {
      const done = chain.pop()!;
      next.pop();
      onChain?.delete(done);
      if (chain.length === 0) return result;
      const childTop = chain.length - 1;
      const verdict = prerequisiteVerdict(chain[childTop]!, next[childTop]!, result);
      if (verdict === null) {
        next[childTop]! += 1;
        break;
      }
      result = verdict;
    }
  }
}

/** Evaluates an existing flag (spec steps 3 to 6). `undefined` = serve the default with GENERAL. */
export function resolveFlag(
  flags: ReadonlyMap<string, CompiledFlag>,
  flag: CompiledFlag,
  context: EvaluationContext,
): ServedResult {
  if (!flag.enabled) return flag.offResult;
  if (flag.prerequisites.length === 0) return resolveRules(flag, context);
  return resolveWithPrerequisites(flags, flag, context);
}
