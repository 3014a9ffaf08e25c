import { compileSnapshot, evaluate, type Condition, type EvaluationContext } from '../../src/index.js';
import { booleanFlag, ruleWith, snapshotOf } from '../fixtures.js';

/** Whether a rule with this one condition matches the context, through the public evaluator. */
export function matches(condition: Condition, context: EvaluationContext): boolean {
  const compiled = compileSnapshot(snapshotOf([booleanFlag({ rules: [ruleWith([condition])] })]));
  const result = evaluate(compiled, 'flag', context, null);
  if (result.reason !== 'TARGETING_MATCH' && result.reason !== 'DEFAULT')
    throw new Error(`unexpected ${result.reason}`);
  return result.reason === 'TARGETING_MATCH';
}
